package hook

import (
	"time"

	"github.com/affcore/affcore/pdk/go/wire"
)

// CommissionVersion is the current schema version of the commission hook.
const CommissionVersion = 1

// Commission triggers.
const (
	TriggerConversion  = "conversion"   // a conversion was created or changed status
	TriggerPeriodClose = "period_close" // the partner's commission period closed
)

// Amount kinds.
const (
	KindCommission = "commission" // the partner's commission for this conversion
	KindBonus      = "bonus"      // an extra amount (tier bonus, weekend bonus)
	KindCarryover  = "carryover"  // a balance carried into the next period (e.g. negative carryover)
)

// CommissionInput is what a commission-model plugin decides on: why it is
// called, the conversion (absent on period_close), the partner's terms and
// the partner's history in the current period.
type CommissionInput struct {
	SchemaVersion int
	Trigger       string
	Conversion    Conversion
	Terms         Terms
	History       History
}

// Conversion is a conversion as the commission hook sees it.
type Conversion struct {
	ID         string
	Event      string
	Status     string // pending, approved, rejected, hold
	PrevStatus string // empty on creation
	Revenue    string // decimal: what the conversion is worth to the advertiser
	Currency   string
	OfferID    string
	CampaignID string
	PartnerID  string
	OccurredAt time.Time
	Test       bool
}

// Terms are the partner's commission terms from the tenant: the model's name
// and its parameters as JSON (the plugin parses them).
type Terms struct {
	Model  string
	Params []byte // JSON object
}

// History is the partner's position in the current commission period.
type History struct {
	PeriodStart     time.Time
	PeriodEnd       time.Time
	ApprovedCount   int64
	ApprovedRevenue string // decimal
	CommissionSoFar string // decimal: commission already granted this period
	CarriedOver     string // decimal: balance carried over from the last period
	Currency        string
}

// CommissionResult is the plugin's decision: zero or more amounts.
type CommissionResult struct {
	Amounts []Amount
}

// Amount is one amount to book for the partner.
type Amount struct {
	Kind     string // KindCommission, KindBonus or KindCarryover
	Amount   string // decimal, may be negative (a reversal)
	Currency string
	Memo     string
}

// AppendMsg implements Encoder.
func (c CommissionInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 5)
	b = kint(b, "schema_version", version(c.SchemaVersion, CommissionVersion))
	b = kstr(b, "trigger", c.Trigger)
	b = c.Conversion.appendMsg(wire.AppendString(b, "conversion"))
	b = wire.AppendString(b, "terms")
	b = wire.AppendMapHeader(b, 2)
	b = kstr(b, "model", c.Terms.Model)
	b = kbytes(b, "params", c.Terms.Params)
	return c.History.appendMsg(wire.AppendString(b, "history"))
}

func (c Conversion) appendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 11)
	b = kstr(b, "id", c.ID)
	b = kstr(b, "event", c.Event)
	b = kstr(b, "status", c.Status)
	b = kstr(b, "prev_status", c.PrevStatus)
	b = kstr(b, "revenue", c.Revenue)
	b = kstr(b, "currency", c.Currency)
	b = kstr(b, "offer_id", c.OfferID)
	b = kstr(b, "campaign_id", c.CampaignID)
	b = kstr(b, "partner_id", c.PartnerID)
	b = ktime(b, "occurred_at", c.OccurredAt)
	return kbool(b, "test", c.Test)
}

func (h History) appendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 7)
	b = ktime(b, "period_start", h.PeriodStart)
	b = ktime(b, "period_end", h.PeriodEnd)
	b = kint(b, "approved_count", h.ApprovedCount)
	b = kstr(b, "approved_revenue", h.ApprovedRevenue)
	b = kstr(b, "commission_so_far", h.CommissionSoFar)
	b = kstr(b, "carried_over", h.CarriedOver)
	return kstr(b, "currency", h.Currency)
}

// UnmarshalMsg implements Decoder.
func (c *CommissionInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "schema_version":
			c.SchemaVersion = int(r.Int())
		case "trigger":
			c.Trigger = r.String()
		case "conversion":
			c.Conversion.read(r)
		case "terms":
			c.Terms.read(r)
		case "history":
			c.History.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (c *Conversion) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "id":
			c.ID = r.String()
		case "event":
			c.Event = r.String()
		case "status":
			c.Status = r.String()
		case "prev_status":
			c.PrevStatus = r.String()
		case "revenue":
			c.Revenue = r.String()
		case "currency":
			c.Currency = r.String()
		case "offer_id":
			c.OfferID = r.String()
		case "campaign_id":
			c.CampaignID = r.String()
		case "partner_id":
			c.PartnerID = r.String()
		case "occurred_at":
			c.OccurredAt = fromMs(r.Int())
		case "test":
			c.Test = r.Bool()
		default:
			r.Skip()
		}
	}
}

func (t *Terms) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "model":
			t.Model = r.String()
		case "params":
			t.Params = r.Bytes()
		default:
			r.Skip()
		}
	}
}

func (h *History) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "period_start":
			h.PeriodStart = fromMs(r.Int())
		case "period_end":
			h.PeriodEnd = fromMs(r.Int())
		case "approved_count":
			h.ApprovedCount = r.Int()
		case "approved_revenue":
			h.ApprovedRevenue = r.String()
		case "commission_so_far":
			h.CommissionSoFar = r.String()
		case "carried_over":
			h.CarriedOver = r.String()
		case "currency":
			h.Currency = r.String()
		default:
			r.Skip()
		}
	}
}

// AppendMsg implements Encoder.
func (c CommissionResult) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 1)
	b = wire.AppendArrayHeader(wire.AppendString(b, "amounts"), len(c.Amounts))
	for _, a := range c.Amounts {
		b = wire.AppendMapHeader(b, 4)
		b = kstr(b, "kind", a.Kind)
		b = kstr(b, "amount", a.Amount)
		b = kstr(b, "currency", a.Currency)
		b = kstr(b, "memo", a.Memo)
	}
	return b
}

// UnmarshalMsg implements Decoder.
func (c *CommissionResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		if string(r.Key()) != "amounts" {
			r.Skip()
			continue
		}
		m := r.ArrayHeader()
		c.Amounts = make([]Amount, 0, m)
		for i := 0; i < m && r.Err() == nil; i++ {
			c.Amounts = append(c.Amounts, readAmount(r))
		}
	}
	return r.Done()
}

func readAmount(r *wire.Reader) Amount {
	var a Amount
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "kind":
			a.Kind = r.String()
		case "amount":
			a.Amount = r.String()
		case "currency":
			a.Currency = r.String()
		case "memo":
			a.Memo = r.String()
		default:
			r.Skip()
		}
	}
	return a
}
