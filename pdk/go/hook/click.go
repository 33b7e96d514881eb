package hook

import (
	"time"

	"github.com/affcore/affcore/pdk/go/wire"
)

// ClickScoreVersion is the current schema version of the click scoring hook.
const ClickScoreVersion = 1

// ClickInput is what a click-scoring plugin sees of one click: the request
// facts the tracker resolved (GEO, ASN, device), the click frequency of its
// IP, and the built-in score. Called synchronously on every click with a
// deadline of a few milliseconds; no HTTP, read-only KV.
type ClickInput struct {
	SchemaVersion int
	ClickID       string
	CampaignID    string
	OfferID       string
	PartnerID     string
	SourceID      string
	IP            string
	UserAgent     string
	Referer       string
	// AcceptLanguage is the Accept-Language header ("" when absent).
	AcceptLanguage string
	// Headers holds the other request headers, names lower-case.
	Headers []Header
	Country string // ISO 3166 alpha-2, upper case
	ASN     int64
	ASNOrg  string
	// Datacenter is set when the ASN belongs to a hosting or cloud provider.
	Datacenter bool
	Device     string // desktop, mobile, tablet, bot, other
	OS         string
	Browser    string
	// IPClicks1m, IPClicks1h and IPClicks24h count earlier clicks from the
	// same IP on this tenant (click frequency).
	IPClicks1m  int64
	IPClicks1h  int64
	IPClicks24h int64
	// BuiltinScore is the core's own score; plugins may refine or replace it.
	BuiltinScore   int64
	BuiltinReasons []string
	Test           bool
	At             time.Time
}

// ClickScore is a click-scoring plugin's verdict: Score is the click's
// quality from 0 (certainly invalid) to 100 (clean human traffic), and
// Reasons are short machine-readable codes such as "datacenter_asn".
type ClickScore struct {
	Score   int64
	Reasons []string
}

// AppendMsg implements Encoder.
func (c ClickInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 25)
	b = kint(b, "schema_version", version(c.SchemaVersion, ClickScoreVersion))
	b = kstr(b, "click_id", c.ClickID)
	b = kstr(b, "campaign_id", c.CampaignID)
	b = kstr(b, "offer_id", c.OfferID)
	b = kstr(b, "partner_id", c.PartnerID)
	b = kstr(b, "source_id", c.SourceID)
	b = kstr(b, "ip", c.IP)
	b = kstr(b, "user_agent", c.UserAgent)
	b = kstr(b, "referer", c.Referer)
	b = kstr(b, "accept_language", c.AcceptLanguage)
	b = appendHeaders(wire.AppendString(b, "headers"), c.Headers)
	b = kstr(b, "country", c.Country)
	b = kint(b, "asn", c.ASN)
	b = kstr(b, "asn_org", c.ASNOrg)
	b = kbool(b, "datacenter", c.Datacenter)
	b = kstr(b, "device", c.Device)
	b = kstr(b, "os", c.OS)
	b = kstr(b, "browser", c.Browser)
	b = kint(b, "ip_clicks_1m", c.IPClicks1m)
	b = kint(b, "ip_clicks_1h", c.IPClicks1h)
	b = kint(b, "ip_clicks_24h", c.IPClicks24h)
	b = kint(b, "builtin_score", c.BuiltinScore)
	b = kstrs(b, "builtin_reasons", c.BuiltinReasons)
	b = kbool(b, "test", c.Test)
	return ktime(b, "at", c.At)
}

// UnmarshalMsg implements Decoder.
func (c *ClickInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "schema_version":
			c.SchemaVersion = int(r.Int())
		case "click_id":
			c.ClickID = r.String()
		case "campaign_id":
			c.CampaignID = r.String()
		case "offer_id":
			c.OfferID = r.String()
		case "partner_id":
			c.PartnerID = r.String()
		case "source_id":
			c.SourceID = r.String()
		case "ip":
			c.IP = r.String()
		case "user_agent":
			c.UserAgent = r.String()
		case "referer":
			c.Referer = r.String()
		case "accept_language":
			c.AcceptLanguage = r.String()
		case "headers":
			c.Headers = readHeaders(r)
		case "country":
			c.Country = r.String()
		case "asn":
			c.ASN = r.Int()
		case "asn_org":
			c.ASNOrg = r.String()
		case "datacenter":
			c.Datacenter = r.Bool()
		case "device":
			c.Device = r.String()
		case "os":
			c.OS = r.String()
		case "browser":
			c.Browser = r.String()
		case "ip_clicks_1m":
			c.IPClicks1m = r.Int()
		case "ip_clicks_1h":
			c.IPClicks1h = r.Int()
		case "ip_clicks_24h":
			c.IPClicks24h = r.Int()
		case "builtin_score":
			c.BuiltinScore = r.Int()
		case "builtin_reasons":
			c.BuiltinReasons = r.Strings()
		case "test":
			c.Test = r.Bool()
		case "at":
			c.At = fromMs(r.Int())
		default:
			r.Skip()
		}
	}
	return r.Done()
}

// AppendMsg implements Encoder.
func (s ClickScore) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 2)
	b = kint(b, "score", s.Score)
	return kstrs(b, "reasons", s.Reasons)
}

// UnmarshalMsg implements Decoder.
func (s *ClickScore) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "score":
			s.Score = r.Int()
		case "reasons":
			s.Reasons = r.Strings()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
