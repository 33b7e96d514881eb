package hook

import (
	"time"

	"github.com/affcore/affcore/pdk/go/wire"
)

// PostbackFormatVersion is the current schema version of the postback format hook.
const PostbackFormatVersion = 1

// PostbackInput is one outgoing partner postback to format: the event and the
// partner's postback settings. The plugin returns the HTTP request; the core
// sends it (with retries), so the hook itself needs no network.
type PostbackInput struct {
	SchemaVersion int
	Event         PostbackEvent
	Settings      PostbackSettings
}

// PostbackEvent carries every conversion field a postback may use.
type PostbackEvent struct {
	// Name is the postback event name (e.g. "conversion.approved").
	Name string
	// IdempotencyID is stable across retries of the same delivery; receivers
	// de-duplicate on it.
	IdempotencyID string
	ConversionID  string
	ClickID       string
	TxID          string
	Event         string
	Status        string
	PrevStatus    string
	Revenue       string // decimal: the advertiser's revenue (rarely shared with partners)
	Currency      string
	// Payout is the partner's own commission for this event, in PayoutCurrency.
	Payout         string
	PayoutCurrency string
	OfferID        string
	CampaignID     string
	PartnerID      string
	SourceID       string
	Country        string
	Device         string
	Subs           []string // sub1..sub5
	Test           bool
	ClickedAt      time.Time
	OccurredAt     time.Time
}

// PostbackSettings are the partner's postback settings.
type PostbackSettings struct {
	URLTemplate  string // e.g. https://tracker.example/pb?cid={click_id}&payout={payout}
	Method       string // GET or POST
	BodyTemplate string // for POST
	Secret       string // for an HMAC signature header; empty = unsigned
	Headers      []Header
}

// AppendMsg implements Encoder.
func (p PostbackInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 3)
	b = kint(b, "schema_version", version(p.SchemaVersion, PostbackFormatVersion))
	b = p.Event.appendMsg(wire.AppendString(b, "event"))
	s := p.Settings
	b = wire.AppendMapHeader(wire.AppendString(b, "settings"), 5)
	b = kstr(b, "url_template", s.URLTemplate)
	b = kstr(b, "method", s.Method)
	b = kstr(b, "body_template", s.BodyTemplate)
	b = kstr(b, "secret", s.Secret)
	return appendHeaders(wire.AppendString(b, "headers"), s.Headers)
}

func (e PostbackEvent) appendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 22)
	b = kstr(b, "name", e.Name)
	b = kstr(b, "idempotency_id", e.IdempotencyID)
	b = kstr(b, "conversion_id", e.ConversionID)
	b = kstr(b, "click_id", e.ClickID)
	b = kstr(b, "tx_id", e.TxID)
	b = kstr(b, "event", e.Event)
	b = kstr(b, "status", e.Status)
	b = kstr(b, "prev_status", e.PrevStatus)
	b = kstr(b, "revenue", e.Revenue)
	b = kstr(b, "currency", e.Currency)
	b = kstr(b, "payout", e.Payout)
	b = kstr(b, "payout_currency", e.PayoutCurrency)
	b = kstr(b, "offer_id", e.OfferID)
	b = kstr(b, "campaign_id", e.CampaignID)
	b = kstr(b, "partner_id", e.PartnerID)
	b = kstr(b, "source_id", e.SourceID)
	b = kstr(b, "country", e.Country)
	b = kstr(b, "device", e.Device)
	b = kstrs(b, "subs", e.Subs)
	b = kbool(b, "test", e.Test)
	b = ktime(b, "clicked_at", e.ClickedAt)
	return ktime(b, "occurred_at", e.OccurredAt)
}

// UnmarshalMsg implements Decoder.
func (p *PostbackInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "schema_version":
			p.SchemaVersion = int(r.Int())
		case "event":
			p.Event.read(r)
		case "settings":
			p.Settings.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (s *PostbackSettings) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "url_template":
			s.URLTemplate = r.String()
		case "method":
			s.Method = r.String()
		case "body_template":
			s.BodyTemplate = r.String()
		case "secret":
			s.Secret = r.String()
		case "headers":
			s.Headers = readHeaders(r)
		default:
			r.Skip()
		}
	}
}

func (e *PostbackEvent) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch k := string(r.Key()); k {
		case "subs":
			e.Subs = r.Strings()
		case "test":
			e.Test = r.Bool()
		case "clicked_at":
			e.ClickedAt = fromMs(r.Int())
		case "occurred_at":
			e.OccurredAt = fromMs(r.Int())
		default:
			if p := e.stringField(k); p != nil {
				*p = r.String()
			} else {
				r.Skip()
			}
		}
	}
}

// stringField maps a key to its string field, keeping read() short.
func (e *PostbackEvent) stringField(k string) *string {
	switch k {
	case "name":
		return &e.Name
	case "idempotency_id":
		return &e.IdempotencyID
	case "conversion_id":
		return &e.ConversionID
	case "click_id":
		return &e.ClickID
	case "tx_id":
		return &e.TxID
	case "event":
		return &e.Event
	case "status":
		return &e.Status
	case "prev_status":
		return &e.PrevStatus
	case "revenue":
		return &e.Revenue
	case "currency":
		return &e.Currency
	case "payout":
		return &e.Payout
	case "payout_currency":
		return &e.PayoutCurrency
	case "offer_id":
		return &e.OfferID
	case "campaign_id":
		return &e.CampaignID
	case "partner_id":
		return &e.PartnerID
	case "source_id":
		return &e.SourceID
	case "country":
		return &e.Country
	case "device":
		return &e.Device
	}
	return nil
}
