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
	// Timestamp (Unix seconds) is the moment of this attempt: a signature
	// covers it so receivers can refuse replays. Fresh on every retry.
	Timestamp int64
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
	// Macros are the values of every macro the receiver's template may use
	// ({click_id}, {payout}, {sub1}, ...), by name, sorted: the fields above
	// as the receiver sees them, plus idempotency_id, timestamp and test.
	Macros []Header
}

// PostbackSettings are the partner's postback settings.
type PostbackSettings struct {
	URLTemplate  string // e.g. https://tracker.example/pb?cid={click_id}&payout={payout}
	Method       string // GET or POST
	BodyTemplate string // for POST
	Secret       string // for an HMAC signature header; empty = unsigned
	Headers      []Header
	// Format is the receiver's choice of body: "url" (the default: the macro
	// URL, and a form body on POST) or "json" (a JSON object on POST).
	Format string
}

// AppendMsg implements Encoder.
func (p PostbackInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 4)
	b = kint(b, fSchemaVersion, version(p.SchemaVersion, PostbackFormatVersion))
	b = p.Event.appendMsg(wire.AppendInt(b, fEvent))
	b = kint(b, fTimestamp, p.Timestamp)
	s := p.Settings
	b = wire.AppendMapHeader(wire.AppendInt(b, fSettings), 6)
	b = kstr(b, fURLTemplate, s.URLTemplate)
	b = kstr(b, fMethod, s.Method)
	b = kstr(b, fBodyTemplate, s.BodyTemplate)
	b = kstr(b, fSecret, s.Secret)
	b = kstr(b, fFormat, s.Format)
	return appendHeaders(wire.AppendInt(b, fHeaders), s.Headers)
}

func (e PostbackEvent) appendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 23)
	b = appendHeaders(wire.AppendInt(b, fMacros), e.Macros)
	b = kstr(b, fName, e.Name)
	b = kstr(b, fIdempotencyID, e.IdempotencyID)
	b = kstr(b, fConversionID, e.ConversionID)
	b = kstr(b, fClickID, e.ClickID)
	b = kstr(b, fTxID, e.TxID)
	b = kstr(b, fEvent, e.Event)
	b = kstr(b, fStatus, e.Status)
	b = kstr(b, fPrevStatus, e.PrevStatus)
	b = kstr(b, fRevenue, e.Revenue)
	b = kstr(b, fCurrency, e.Currency)
	b = kstr(b, fPayout, e.Payout)
	b = kstr(b, fPayoutCurrency, e.PayoutCurrency)
	b = kstr(b, fOfferID, e.OfferID)
	b = kstr(b, fCampaignID, e.CampaignID)
	b = kstr(b, fPartnerID, e.PartnerID)
	b = kstr(b, fSourceID, e.SourceID)
	b = kstr(b, fCountry, e.Country)
	b = kstr(b, fDevice, e.Device)
	b = kstrs(b, fSubs, e.Subs)
	b = kbool(b, fTest, e.Test)
	b = ktime(b, fClickedAt, e.ClickedAt)
	return ktime(b, fOccurredAt, e.OccurredAt)
}

// UnmarshalMsg implements Decoder.
func (p *PostbackInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			p.SchemaVersion = int(r.Int())
		case fEvent:
			p.Event.read(r)
		case fSettings:
			p.Settings.read(r)
		case fTimestamp:
			p.Timestamp = r.Int()
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (s *PostbackSettings) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fURLTemplate:
			s.URLTemplate = r.String()
		case fMethod:
			s.Method = r.String()
		case fBodyTemplate:
			s.BodyTemplate = r.String()
		case fSecret:
			s.Secret = r.String()
		case fHeaders:
			s.Headers = readHeaders(r)
		case fFormat:
			s.Format = r.String()
		default:
			r.Skip()
		}
	}
}

func (e *PostbackEvent) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch k := r.Int(); k {
		case fSubs:
			e.Subs = r.Strings()
		case fTest:
			e.Test = r.Bool()
		case fClickedAt:
			e.ClickedAt = fromMs(r.Int())
		case fOccurredAt:
			e.OccurredAt = fromMs(r.Int())
		case fMacros:
			e.Macros = readHeaders(r)
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
func (e *PostbackEvent) stringField(k int64) *string {
	switch k {
	case fName:
		return &e.Name
	case fIdempotencyID:
		return &e.IdempotencyID
	case fConversionID:
		return &e.ConversionID
	case fClickID:
		return &e.ClickID
	case fTxID:
		return &e.TxID
	case fEvent:
		return &e.Event
	case fStatus:
		return &e.Status
	case fPrevStatus:
		return &e.PrevStatus
	case fRevenue:
		return &e.Revenue
	case fCurrency:
		return &e.Currency
	case fPayout:
		return &e.Payout
	case fPayoutCurrency:
		return &e.PayoutCurrency
	case fOfferID:
		return &e.OfferID
	case fCampaignID:
		return &e.CampaignID
	case fPartnerID:
		return &e.PartnerID
	case fSourceID:
		return &e.SourceID
	case fCountry:
		return &e.Country
	case fDevice:
		return &e.Device
	}
	return nil
}
