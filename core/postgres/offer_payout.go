package postgres

import (
	"context"
	"fmt"

	"github.com/affcore/affcore/core"
)

// OfferPayouts reads an offer's default payout: the CPA commission a
// partner earns when no commission terms apply. It reads the offers table
// of the catalogue (columns id, tenant_id, payout, currency).
type OfferPayouts struct{ db *DB }

// NewOfferPayouts returns the offer payout reader on db.
func NewOfferPayouts(db *DB) *OfferPayouts { return &OfferPayouts{db: db} }

// OfferPayout implements commission.Offers.
func (o *OfferPayouts) OfferPayout(ctx context.Context, tenant core.TenantID, offerID string) (core.Money, error) {
	var amt, cur string
	err := o.db.q(ctx).QueryRow(ctx, `SELECT payout::text, currency FROM offers WHERE tenant_id = $1 AND id = $2`,
		tenant, offerID).Scan(&amt, &cur)
	if err != nil {
		return core.Money{}, translate(err, "offer")
	}
	d, err := core.ParseDecimal(amt)
	if err != nil {
		return core.Money{}, fmt.Errorf("offer %s payout %q: %w", offerID, amt, err)
	}
	c, err := core.ParseCurrency(cur)
	if err != nil {
		return core.Money{}, fmt.Errorf("offer %s currency %q: %w", offerID, cur, err)
	}
	return core.Money{Amount: d, Currency: c}, nil
}
