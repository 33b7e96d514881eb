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
	// NegativeCarryover is the partner's setting: a negative period balance
	// is carried into the next period (true) or reset at period close (false).
	NegativeCarryover bool
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
	b = kint(b, fSchemaVersion, version(c.SchemaVersion, CommissionVersion))
	b = kstr(b, fTrigger, c.Trigger)
	b = c.Conversion.appendMsg(wire.AppendInt(b, fConversion))
	b = wire.AppendInt(b, fTerms)
	b = wire.AppendMapHeader(b, 2)
	b = kstr(b, fModel, c.Terms.Model)
	b = kbytes(b, fParams, c.Terms.Params)
	return c.History.appendMsg(wire.AppendInt(b, fHistory))
}

func (c Conversion) appendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 11)
	b = kstr(b, fID, c.ID)
	b = kstr(b, fEvent, c.Event)
	b = kstr(b, fStatus, c.Status)
	b = kstr(b, fPrevStatus, c.PrevStatus)
	b = kstr(b, fRevenue, c.Revenue)
	b = kstr(b, fCurrency, c.Currency)
	b = kstr(b, fOfferID, c.OfferID)
	b = kstr(b, fCampaignID, c.CampaignID)
	b = kstr(b, fPartnerID, c.PartnerID)
	b = ktime(b, fOccurredAt, c.OccurredAt)
	return kbool(b, fTest, c.Test)
}

func (h History) appendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 8)
	b = ktime(b, fPeriodStart, h.PeriodStart)
	b = ktime(b, fPeriodEnd, h.PeriodEnd)
	b = kint(b, fApprovedCount, h.ApprovedCount)
	b = kstr(b, fApprovedRevenue, h.ApprovedRevenue)
	b = kstr(b, fCommissionSoFar, h.CommissionSoFar)
	b = kstr(b, fCarriedOver, h.CarriedOver)
	b = kbool(b, fNegCarryover, h.NegativeCarryover)
	return kstr(b, fCurrency, h.Currency)
}

// UnmarshalMsg implements Decoder.
func (c *CommissionInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			c.SchemaVersion = int(r.Int())
		case fTrigger:
			c.Trigger = r.String()
		case fConversion:
			c.Conversion.read(r)
		case fTerms:
			c.Terms.read(r)
		case fHistory:
			c.History.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (c *Conversion) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fID:
			c.ID = r.String()
		case fEvent:
			c.Event = r.String()
		case fStatus:
			c.Status = r.String()
		case fPrevStatus:
			c.PrevStatus = r.String()
		case fRevenue:
			c.Revenue = r.String()
		case fCurrency:
			c.Currency = r.String()
		case fOfferID:
			c.OfferID = r.String()
		case fCampaignID:
			c.CampaignID = r.String()
		case fPartnerID:
			c.PartnerID = r.String()
		case fOccurredAt:
			c.OccurredAt = fromMs(r.Int())
		case fTest:
			c.Test = r.Bool()
		default:
			r.Skip()
		}
	}
}

func (t *Terms) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fModel:
			t.Model = r.String()
		case fParams:
			t.Params = r.Bytes()
		default:
			r.Skip()
		}
	}
}

func (h *History) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fPeriodStart:
			h.PeriodStart = fromMs(r.Int())
		case fPeriodEnd:
			h.PeriodEnd = fromMs(r.Int())
		case fApprovedCount:
			h.ApprovedCount = r.Int()
		case fApprovedRevenue:
			h.ApprovedRevenue = r.String()
		case fCommissionSoFar:
			h.CommissionSoFar = r.String()
		case fNegCarryover:
			h.NegativeCarryover = r.Bool()
		case fCarriedOver:
			h.CarriedOver = r.String()
		case fCurrency:
			h.Currency = r.String()
		default:
			r.Skip()
		}
	}
}

// AppendMsg implements Encoder.
func (c CommissionResult) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 1)
	b = wire.AppendArrayHeader(wire.AppendInt(b, fAmounts), len(c.Amounts))
	for _, a := range c.Amounts {
		b = wire.AppendMapHeader(b, 4)
		b = kstr(b, fKind, a.Kind)
		b = kstr(b, fAmount, a.Amount)
		b = kstr(b, fCurrency, a.Currency)
		b = kstr(b, fMemo, a.Memo)
	}
	return b
}

// UnmarshalMsg implements Decoder.
func (c *CommissionResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		if r.Int() != fAmounts {
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
		switch r.Int() {
		case fKind:
			a.Kind = r.String()
		case fAmount:
			a.Amount = r.String()
		case fCurrency:
			a.Currency = r.String()
		case fMemo:
			a.Memo = r.String()
		default:
			r.Skip()
		}
	}
	return a
}
