// Package stats answers report queries: clicks, unique clicks, conversions
// and money grouped by time, campaign, offer, partner, source, sub-ids,
// country or device, as JSON rows or CSV.
//
// Traffic (clicks and conversions with revenue) and payouts come from two
// separate sources: payouts are the offers' default payouts until the ledger
// supplies commission figures, and switching is a matter of wiring another
// PayoutSource.
package stats

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
)

// Dim is one grouping dimension.
type Dim string

// Dimensions a report may be grouped by.
const (
	Day      Dim = "day"
	Hour     Dim = "hour"
	Campaign Dim = "campaign"
	Offer    Dim = "offer"
	Partner  Dim = "partner"
	Source   Dim = "source"
	Sub1     Dim = "sub1"
	Sub2     Dim = "sub2"
	Sub3     Dim = "sub3"
	Sub4     Dim = "sub4"
	Sub5     Dim = "sub5"
	Country  Dim = "country"
	Device   Dim = "device"
)

// Dims lists every dimension.
var Dims = []Dim{Day, Hour, Campaign, Offer, Partner, Source, Sub1, Sub2, Sub3, Sub4, Sub5, Country, Device}

// IsSub reports whether d is a sub-id (read from raw clicks, not rollups).
func (d Dim) IsSub() bool { return strings.HasPrefix(string(d), "sub") }

// Query is one report request.
type Query struct {
	From, To time.Time // [From, To), UTC
	GroupBy  []Dim
	// PartnerID restricts the report to one partner (the partner portal).
	PartnerID string
	// Currency of the money figures; conversions in other currencies count
	// as conversions but not as money.
	Currency core.Currency
}

// Row is one group of a report. Keys follow Query.GroupBy.
type Row struct {
	Keys         []string     `json:"-"`
	Clicks       int64        `json:"clicks"`
	UniqueClicks int64        `json:"unique_clicks"`
	Conversions  int64        `json:"conversions"`
	Revenue      core.Decimal `json:"revenue"`
	Payout       core.Decimal `json:"payout"`
	Profit       core.Decimal `json:"profit"`
	// CR is conversions per 100 clicks; EPC is revenue per click.
	CR  core.Decimal `json:"cr"`
	EPC core.Decimal `json:"epc"`
}

// TrafficSource reports clicks, unique clicks, conversions and revenue per
// group. Test conversions are left out; money counts approved conversions
// of clean (not fraud-flagged) clicks.
type TrafficSource interface {
	Traffic(ctx context.Context, tenant core.TenantID, q Query) ([]Row, error)
}

// PayoutSource reports the partners' commissions per group (Row.Payout),
// under the same rules as TrafficSource.
type PayoutSource interface {
	Payouts(ctx context.Context, tenant core.TenantID, q Query) ([]Row, error)
}

// Service runs report queries.
type Service struct {
	traffic TrafficSource
	payouts PayoutSource
}

// NewService returns a report service.
func NewService(traffic TrafficSource, payouts PayoutSource) *Service {
	return &Service{traffic: traffic, payouts: payouts}
}

// MaxRange bounds one report's time range.
const MaxRange = 400 * 24 * time.Hour

// Query validates q and returns its rows, ordered by their keys.
func (s *Service) Query(ctx context.Context, tenant core.TenantID, q Query) ([]Row, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	rows, err := s.traffic.Traffic(ctx, tenant, q)
	if err != nil {
		return nil, fmt.Errorf("stats traffic: %w", err)
	}
	pay, err := s.payouts.Payouts(ctx, tenant, q)
	if err != nil {
		return nil, fmt.Errorf("stats payouts: %w", err)
	}
	return finish(merge(rows, pay)), nil
}

func (q *Query) validate() error {
	var v core.Validator
	v.Check(!q.From.IsZero() && !q.To.IsZero() && q.From.Before(q.To), "from", "must be before to")
	v.Check(q.To.Sub(q.From) <= MaxRange, "to", "the range must be at most 400 days")
	seen := map[Dim]bool{}
	for _, d := range q.GroupBy {
		v.Check(slices.Contains(Dims, d), "group_by", "unknown dimension "+string(d))
		v.Check(!seen[d], "group_by", "repeats "+string(d))
		seen[d] = true
	}
	v.Check(len(q.GroupBy) <= 5, "group_by", "at most 5 dimensions")
	if q.Currency == "" {
		q.Currency = "USD"
	}
	return v.Err()
}

// merge adds the payout rows to the traffic rows with the same keys.
func merge(rows, pay []Row) []Row {
	idx := make(map[string]int, len(rows))
	for i, r := range rows {
		idx[strings.Join(r.Keys, "\x1f")] = i
	}
	for _, p := range pay {
		k := strings.Join(p.Keys, "\x1f")
		if i, ok := idx[k]; ok {
			rows[i].Payout = p.Payout
			continue
		}
		idx[k] = len(rows)
		rows = append(rows, Row{Keys: p.Keys, Payout: p.Payout})
	}
	return rows
}

// finish computes profit, CR and EPC and sorts the rows.
func finish(rows []Row) []Row {
	hundred := core.DecimalFromInt(100)
	for i := range rows {
		r := &rows[i]
		r.Profit, _ = r.Revenue.Sub(r.Payout)
		if r.Clicks > 0 {
			clicks := core.DecimalFromInt(r.Clicks)
			conv, _ := core.DecimalFromInt(r.Conversions).Mul(hundred)
			r.CR, _ = conv.Div(clicks)
			r.CR = r.CR.RoundTo(2)
			r.EPC, _ = r.Revenue.Div(clicks)
			r.EPC = r.EPC.RoundTo(4)
		}
	}
	slices.SortFunc(rows, func(a, b Row) int { return slices.Compare(a.Keys, b.Keys) })
	return rows
}
