package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/event"
)

// ClickStore writes and reads clicks, loads the click path's snapshot and
// keeps the click partitions.
type ClickStore struct {
	db    *DB
	parts sync.Map // day (YYYY-MM-DD) → struct{}: partitions known to exist
}

// NewClickStore returns the click store.
func NewClickStore(db *DB) *ClickStore { return &ClickStore{db: db} }

// Interface guards.
var (
	_ click.Writer         = (*ClickStore)(nil)
	_ click.Reader         = (*ClickStore)(nil)
	_ click.SnapshotLoader = (*ClickStore)(nil)
)

// ensureDays creates the partitions of the batch's days unless known.
func (s *ClickStore) ensureDays(ctx context.Context, clicks []event.Click) error {
	var last time.Time // clicks come in time order: most share their predecessor's day
	for i := range clicks {
		day := clicks[i].At.UTC().Truncate(24 * time.Hour) // UTC days start at multiples of 24 h
		if i > 0 && day.Equal(last) {
			continue
		}
		last = day
		if err := s.ensureDay(ctx, day); err != nil {
			return err
		}
	}
	return nil
}

func (s *ClickStore) ensureDay(ctx context.Context, t time.Time) error {
	day := t.UTC().Format(time.DateOnly)
	if _, ok := s.parts.Load(day); ok {
		return nil
	}
	if _, err := s.db.Pool.Exec(ctx, `SELECT click_partition($1::date)`, day); err != nil {
		return fmt.Errorf("click partition %s: %w", day, err)
	}
	s.parts.Store(day, struct{}{})
	return nil
}

// EnsurePartitions creates the click partitions of days days from from.
func (s *ClickStore) EnsurePartitions(ctx context.Context, from time.Time, days int) error {
	for d := range days {
		if err := s.ensureDay(ctx, from.AddDate(0, 0, d)); err != nil {
			return err
		}
	}
	return nil
}

// PruneUniques forgets uniqueness windows that started before before.
func (s *ClickStore) PruneUniques(ctx context.Context, before time.Time) error {
	_, err := s.db.Pool.Exec(ctx, `DELETE FROM click_uniques WHERE window_start < $1`, before)
	return err
}

// Click implements click.Reader. The id tells the click's time, so only one
// partition is read.
func (s *ClickStore) Click(ctx context.Context, tenant core.TenantID, id string) (event.Click, error) {
	at, ok := core.IDTime(id)
	if !ok {
		return event.Click{}, core.Errorf(core.KindNotFound, "click not found")
	}
	var c event.Click
	var ip *netip.Addr
	var asn int64
	var score int16
	err := s.db.Pool.QueryRow(ctx, `SELECT id, clicked_at, tenant_id, campaign_id, offer_id, partner_id, source_id, landing_id,
		ip, user_agent, device, os, browser, country, region, city, asn, referrer, sub1, sub2, sub3, sub4, sub5,
		gclid, fbclid, ttclid, params, route, score, fraud FROM clicks WHERE id=$1 AND clicked_at=$2 AND tenant_id=$3`, id, at, tenant).
		Scan(&c.ID, &c.At, &c.TenantID, &c.CampaignID, &c.OfferID, &c.PartnerID, &c.SourceID, &c.LandingID, &ip,
			&c.UserAgent, &c.Device, &c.OS, &c.Browser, &c.Country, &c.Region, &c.City, &asn, &c.Referrer,
			&c.Subs[0], &c.Subs[1], &c.Subs[2], &c.Subs[3], &c.Subs[4], &c.GCLID, &c.FBCLID, &c.TTCLID, &c.Params,
			&c.Route, &score, &c.Fraud)
	if err != nil {
		return event.Click{}, translate(err, "click")
	}
	if ip != nil {
		c.IP = ip.String()
	}
	c.ASN, c.Score = uint32(asn), int(score)
	return c, nil
}

// LinkKey returns the per-install key that signs partner link tokens,
// creating it on first use. Every node reads the same key.
func (s *ClickStore) LinkKey(ctx context.Context) ([]byte, error) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if _, err := s.db.Pool.Exec(ctx, `INSERT INTO tracking_secrets (name, secret) VALUES ('link_hmac', $1) ON CONFLICT DO NOTHING`, key); err != nil {
		return nil, fmt.Errorf("link key: %w", err)
	}
	err := s.db.Pool.QueryRow(ctx, `SELECT secret FROM tracking_secrets WHERE name='link_hmac'`).Scan(&key)
	return key, err
}
