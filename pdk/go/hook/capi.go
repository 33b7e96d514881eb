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
	b = kint(b, "schema_version", version(c.SchemaVersion, CAPIVersion))
	b = wire.AppendMapHeader(wire.AppendString(b, "event"), 11)
	b = kstr(b, "name", e.Name)
	b = kstr(b, "event_id", e.EventID)
	b = kstr(b, "conversion_id", e.ConversionID)
	b = kstr(b, "click_id", e.ClickID)
	b = kstr(b, "tx_id", e.TxID)
	b = kstr(b, "value", e.Value)
	b = kstr(b, "currency", e.Currency)
	b = kstr(b, "source_url", e.SourceURL)
	b = kbool(b, "test", e.Test)
	b = ktime(b, "occurred_at", e.OccurredAt)
	u := e.User
	b = wire.AppendMapHeader(wire.AppendString(b, "user"), 6)
	b = kstr(b, "email_sha256", u.EmailSHA256)
	b = kstr(b, "phone_sha256", u.PhoneSHA256)
	b = kstr(b, "external_id", u.ExternalID)
	b = kstr(b, "ip", u.IP)
	b = kstr(b, "user_agent", u.UserAgent)
	return appendStringMap(wire.AppendString(b, "click_ids"), u.ClickIDs)
}

// UnmarshalMsg implements Decoder.
func (c *CAPIInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "schema_version":
			c.SchemaVersion = int(r.Int())
		case "event":
			c.Event.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (e *CAPIEvent) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "name":
			e.Name = r.String()
		case "event_id":
			e.EventID = r.String()
		case "conversion_id":
			e.ConversionID = r.String()
		case "click_id":
			e.ClickID = r.String()
		case "tx_id":
			e.TxID = r.String()
		case "value":
			e.Value = r.String()
		case "currency":
			e.Currency = r.String()
		case "source_url":
			e.SourceURL = r.String()
		case "test":
			e.Test = r.Bool()
		case "occurred_at":
			e.OccurredAt = fromMs(r.Int())
		case "user":
			e.User.read(r)
		default:
			r.Skip()
		}
	}
}

func (u *CAPIUser) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "email_sha256":
			u.EmailSHA256 = r.String()
		case "phone_sha256":
			u.PhoneSHA256 = r.String()
		case "external_id":
			u.ExternalID = r.String()
		case "ip":
			u.IP = r.String()
		case "user_agent":
			u.UserAgent = r.String()
		case "click_ids":
			u.ClickIDs = r.StringMap()
		default:
			r.Skip()
		}
	}
}

// AppendMsg implements Encoder.
func (c CAPIResult) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 5)
	b = kbool(b, "delivered", c.Delivered)
	b = kint(b, "status", c.Status)
	b = kstr(b, "external_id", c.ExternalID)
	b = kint(b, "events_received", c.EventsReceived)
	return kstr(b, "message", c.Message)
}

// UnmarshalMsg implements Decoder.
func (c *CAPIResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "delivered":
			c.Delivered = r.Bool()
		case "status":
			c.Status = r.Int()
		case "external_id":
			c.ExternalID = r.String()
		case "events_received":
			c.EventsReceived = r.Int()
		case "message":
			c.Message = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
