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
// Fields with zero values are left out: the click input crosses the ABI on
// every click, and every decoded field costs the guest time.
func (c ClickInput) AppendMsg(b []byte) []byte {
	e := beginMap(b)
	e.int(fSchemaVersion, version(c.SchemaVersion, ClickScoreVersion))
	e.str(fClickID, c.ClickID)
	e.str(fCampaignID, c.CampaignID)
	e.str(fOfferID, c.OfferID)
	e.str(fPartnerID, c.PartnerID)
	e.str(fSourceID, c.SourceID)
	e.str(fIP, c.IP)
	e.str(fUserAgent, c.UserAgent)
	e.str(fReferer, c.Referer)
	e.str(fAcceptLanguage, c.AcceptLanguage)
	if len(c.Headers) > 0 {
		e.b = appendHeaders(wire.AppendInt(e.b, fHeaders), c.Headers)
		e.n++
	}
	e.str(fCountry, c.Country)
	e.int(fASN, c.ASN)
	e.str(fASNOrg, c.ASNOrg)
	e.bool(fDatacenter, c.Datacenter)
	e.str(fDevice, c.Device)
	e.str(fOS, c.OS)
	e.str(fBrowser, c.Browser)
	e.int(fIPClicks1m, c.IPClicks1m)
	e.int(fIPClicks1h, c.IPClicks1h)
	e.int(fIPClicks24h, c.IPClicks24h)
	e.int(fBuiltinScore, c.BuiltinScore)
	if len(c.BuiltinReasons) > 0 {
		e.b = kstrs(e.b, fBuiltinReasons, c.BuiltinReasons)
		e.n++
	}
	e.bool(fTest, c.Test)
	e.int(fAt, unixMs(c.At))
	return e.end()
}

// UnmarshalMsg implements Decoder.
func (c *ClickInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			c.SchemaVersion = int(r.Int())
		case fClickID:
			c.ClickID = r.String()
		case fCampaignID:
			c.CampaignID = r.String()
		case fOfferID:
			c.OfferID = r.String()
		case fPartnerID:
			c.PartnerID = r.String()
		case fSourceID:
			c.SourceID = r.String()
		case fIP:
			c.IP = r.String()
		case fUserAgent:
			c.UserAgent = r.String()
		case fReferer:
			c.Referer = r.String()
		case fAcceptLanguage:
			c.AcceptLanguage = r.String()
		case fHeaders:
			c.Headers = readHeaders(r)
		case fCountry:
			c.Country = r.String()
		case fASN:
			c.ASN = r.Int()
		case fASNOrg:
			c.ASNOrg = r.String()
		case fDatacenter:
			c.Datacenter = r.Bool()
		case fDevice:
			c.Device = r.String()
		case fOS:
			c.OS = r.String()
		case fBrowser:
			c.Browser = r.String()
		case fIPClicks1m:
			c.IPClicks1m = r.Int()
		case fIPClicks1h:
			c.IPClicks1h = r.Int()
		case fIPClicks24h:
			c.IPClicks24h = r.Int()
		case fBuiltinScore:
			c.BuiltinScore = r.Int()
		case fBuiltinReasons:
			c.BuiltinReasons = r.Strings()
		case fTest:
			c.Test = r.Bool()
		case fAt:
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
	b = kint(b, fScore, s.Score)
	return kstrs(b, fReasons, s.Reasons)
}

// UnmarshalMsg implements Decoder.
func (s *ClickScore) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fScore:
			s.Score = r.Int()
		case fReasons:
			s.Reasons = r.Strings()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
