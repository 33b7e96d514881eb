package hook

import (
	"time"

	"github.com/affcore/affcore/pdk/go/wire"
)

// CAPIVersion is the current schema version of the CAPI destination hook.
const CAPIVersion = 1

// CAPIInput is one conversion to forward to an ad platform's conversion API
// (Meta CAPI, TikTok Events API, GA4 Measurement Protocol...). The
// destination's settings come from the installation config and secrets; the
// plugin sends the request itself through the host's HTTP call.
type CAPIInput struct {
	SchemaVersion int
	Event         CAPIEvent
}

// CAPIEvent is the conversion as an ad-platform event.
type CAPIEvent struct {
	Name         string // the mapped platform event name, e.g. Purchase / CompletePayment / purchase
	EventID      string // stable id for browser/server de-duplication
	ConversionID string
	ClickID      string
	TxID         string
	Value        string // decimal
	Currency     string
	SourceURL    string
	Test         bool
	OccurredAt   time.Time
	User         CAPIUser
}

// CAPIUser is the user data a destination matches on. Emails and phones are
// already normalised and SHA-256 hashed (hex) by the core.
type CAPIUser struct {
	EmailSHA256 string
	PhoneSHA256 string
	ExternalID  string
	IP          string
	UserAgent   string
	// ClickIDs holds platform click identifiers by name: fbc, fbp, ttclid,
	// ttp, gclid, client_id.
	ClickIDs map[string]string
}

// CAPIResult reports one delivery. A failed delivery is an error envelope
// (retryable or not); Delivered false with a Message means the platform
// accepted the request but dropped the event.
type CAPIResult struct {
	Delivered      bool
	Status         int64  // HTTP status of the platform's answer
	ExternalID     string // e.g. fbtrace_id, request_id
	EventsReceived int64
	Message        string
}

// AppendMsg implements Encoder.
func (c CAPIInput) AppendMsg(b []byte) []byte {
	e := c.Event
	b = wire.AppendMapHeader(b, 2)
	b = kint(b, fSchemaVersion, version(c.SchemaVersion, CAPIVersion))
	b = wire.AppendMapHeader(wire.AppendInt(b, fEvent), 11)
	b = kstr(b, fName, e.Name)
	b = kstr(b, fEventID, e.EventID)
	b = kstr(b, fConversionID, e.ConversionID)
	b = kstr(b, fClickID, e.ClickID)
	b = kstr(b, fTxID, e.TxID)
	b = kstr(b, fValue, e.Value)
	b = kstr(b, fCurrency, e.Currency)
	b = kstr(b, fSourceURL, e.SourceURL)
	b = kbool(b, fTest, e.Test)
	b = ktime(b, fOccurredAt, e.OccurredAt)
	u := e.User
	b = wire.AppendMapHeader(wire.AppendInt(b, fUser), 6)
	b = kstr(b, fEmailSHA256, u.EmailSHA256)
	b = kstr(b, fPhoneSHA256, u.PhoneSHA256)
	b = kstr(b, fExternalID, u.ExternalID)
	b = kstr(b, fIP, u.IP)
	b = kstr(b, fUserAgent, u.UserAgent)
	return appendStringMap(wire.AppendInt(b, fClickIDS), u.ClickIDs)
}

// UnmarshalMsg implements Decoder.
func (c *CAPIInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			c.SchemaVersion = int(r.Int())
		case fEvent:
			c.Event.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (e *CAPIEvent) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fName:
			e.Name = r.String()
		case fEventID:
			e.EventID = r.String()
		case fConversionID:
			e.ConversionID = r.String()
		case fClickID:
			e.ClickID = r.String()
		case fTxID:
			e.TxID = r.String()
		case fValue:
			e.Value = r.String()
		case fCurrency:
			e.Currency = r.String()
		case fSourceURL:
			e.SourceURL = r.String()
		case fTest:
			e.Test = r.Bool()
		case fOccurredAt:
			e.OccurredAt = fromMs(r.Int())
		case fUser:
			e.User.read(r)
		default:
			r.Skip()
		}
	}
}

func (u *CAPIUser) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fEmailSHA256:
			u.EmailSHA256 = r.String()
		case fPhoneSHA256:
			u.PhoneSHA256 = r.String()
		case fExternalID:
			u.ExternalID = r.String()
		case fIP:
			u.IP = r.String()
		case fUserAgent:
			u.UserAgent = r.String()
		case fClickIDS:
			u.ClickIDs = r.StringMap()
		default:
			r.Skip()
		}
	}
}

// AppendMsg implements Encoder.
func (c CAPIResult) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 5)
	b = kbool(b, fDelivered, c.Delivered)
	b = kint(b, fStatus, c.Status)
	b = kstr(b, fExternalID, c.ExternalID)
	b = kint(b, fEventsReceived, c.EventsReceived)
	return kstr(b, fMessage, c.Message)
}

// UnmarshalMsg implements Decoder.
func (c *CAPIResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fDelivered:
			c.Delivered = r.Bool()
		case fStatus:
			c.Status = r.Int()
		case fExternalID:
			c.ExternalID = r.String()
		case fEventsReceived:
			c.EventsReceived = r.Int()
		case fMessage:
			c.Message = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
