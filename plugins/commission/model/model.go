// Package model holds affcore's first-party commission models: CPA, CPL,
// RevShare, Hybrid and Tiered, threshold bonuses, and the negative-carryover
// rule at period close. It is plain standard-library Go behind the
// commission hook contract (Hook, in hook.go), so the same code runs in
// process and as the first-party affcore.commission WebAssembly plugin
// (plugins/commission).
//
// Amounts travel as decimal strings with at most eight fractional digits;
// the models compute exactly (integer units of 10^-8, math/big for
// products) and round half away from zero to the currency's minor unit.
//
// Parameters, by model (every model also takes "bonuses", see bonus.go):
//
//	cpa      {"amount": "10.00", "currency": "USD", "events": ["sale"]}   fixed per conversion; events optional
//	cpl      {"amount": "2.50", "currency": "USD", "events": ["lead"]}    CPA on lead events (default ["lead"])
//	revshare {"percent": "25", "basis": "revenue"|"net_revenue", "deductions_percent": "0", "events": [...]}
//	hybrid   {"cpa": {cpa params}, "revshare": {revshare params}}
//	tiered   {"basis": "count"|"revenue", "currency": "USD", "tiers": [{"from": "0", "amount": "10"}, {"from": "50", "percent": "30"}]}
//
// RevShare on "revenue" shares what the advertiser reported and never goes
// below zero; on "net_revenue" the reported figure is net (it may be
// negative, e.g. player winnings), deductions_percent is taken off first,
// and a negative share is a negative commission, which the ledger carries
// or resets at period close. Tiered picks the tier whose "from" is the
// highest not above the partner's volume so far this period (approved
// conversions, or their revenue) under the same terms.
package model

import (
	"encoding/json"
	"fmt"
	"time"
)

// Triggers.
const (
	TriggerConversion  = "conversion"
	TriggerPeriodClose = "period_close"
)

// Amount kinds.
const (
	KindCommission = "commission"
	KindBonus      = "bonus"
	KindCarryover  = "carryover"
)

// Input is the commission hook's input.
type Input struct {
	Trigger    string      `json:"trigger"`
	Conversion *Conversion `json:"conversion,omitempty"`
	Terms      Terms       `json:"terms"`
	History    History     `json:"history"`
}

// Conversion is the conversion a commission is decided for.
type Conversion struct {
	ID         string    `json:"id"`
	Event      string    `json:"event"`
	Status     string    `json:"status"`
	PrevStatus string    `json:"prev_status,omitempty"`
	Revenue    string    `json:"revenue"`
	Currency   string    `json:"currency"`
	OfferID    string    `json:"offer_id"`
	CampaignID string    `json:"campaign_id"`
	PartnerID  string    `json:"partner_id"`
	OccurredAt time.Time `json:"occurred_at"`
	Test       bool      `json:"test"`
}

// Terms name the model and carry its parameters.
type Terms struct {
	Model  string          `json:"model"`
	Params json.RawMessage `json:"params"`
}

// History is the partner's record in the period, in one currency.
type History struct {
	PeriodStart       time.Time `json:"period_start"`
	PeriodEnd         time.Time `json:"period_end"`
	Currency          string    `json:"currency"`
	ApprovedCount     int64     `json:"approved_count"`
	ApprovedRevenue   string    `json:"approved_revenue"`
	Commission        string    `json:"commission"`
	Carryover         string    `json:"carryover"`
	NegativeCarryover bool      `json:"negative_carryover"`
}

// Output is the commission hook's output.
type Output struct {
	Amounts []Amount `json:"amounts"`
}

// Amount is one decided amount.
type Amount struct {
	Kind     string `json:"kind"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	Memo     string `json:"memo,omitempty"`
}

// FieldError says which parameter is wrong.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Models lists the model names this package serves.
func Models() []string { return []string{"cpa", "cpl", "revshare", "hybrid", "tiered"} }

// Validate checks a model name and its parameters. Errors are *FieldError
// naming "model" or "params.<name>".
func Validate(model string, params json.RawMessage) error {
	p, err := parse(model, params)
	if err != nil {
		return err
	}
	return p.validate()
}

// Decide returns the amounts for in.
func Decide(in Input) (Output, error) {
	switch in.Trigger {
	case TriggerConversion:
		if in.Conversion == nil {
			return Output{}, fmt.Errorf("conversion trigger without a conversion")
		}
		p, err := parse(in.Terms.Model, in.Terms.Params)
		if err != nil {
			return Output{}, err
		}
		return p.conversion(*in.Conversion, in.History)
	case TriggerPeriodClose:
		return periodClose(in.Terms, in.History)
	}
	return Output{}, fmt.Errorf("unknown trigger %q", in.Trigger)
}

// model is one parsed model.
type model interface {
	validate() error
	conversion(c Conversion, h History) (Output, error)
	// readsHistory tells whether conversion reads h (bonuses read it only
	// at the period close).
	readsHistory() bool
	bonusList() []bonus
}

// ReadsHistory tells whether a conversion's commission under the model
// depends on the partner's period history. Reading that history costs the
// engine a scan of the partner's period, so it skips it when the answer
// is no. Unknown or malformed terms answer yes: Decide reports the error.
func ReadsHistory(name string, params json.RawMessage) bool {
	m, err := parse(name, params)
	return err != nil || m.readsHistory()
}

// parse decodes params strictly (unknown fields are errors) into the model.
func parse(name string, params json.RawMessage) (model, error) {
	var m model
	switch name {
	case "cpa":
		m = &fixed{}
	case "cpl":
		m = &fixed{lead: true}
	case "revshare":
		m = &revShare{}
	case "hybrid":
		m = &hybrid{}
	case "tiered":
		m = &tiered{}
	default:
		return nil, fieldErr("model", "unknown model %q (want one of cpa, cpl, revshare, hybrid, tiered)", name)
	}
	if len(params) == 0 {
		params = json.RawMessage(`{}`)
	}
	if err := strictDecode(params, m); err != nil {
		return nil, err
	}
	return m, nil
}
