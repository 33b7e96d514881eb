package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/event"
)

// ConversionStore implements conversion.Store and conversion.Tenants.
type ConversionStore struct{ db *DB }

// NewConversionStore returns the conversion store.
func NewConversionStore(db *DB) *ConversionStore { return &ConversionStore{db: db} }

// Interface guards.
var (
	_ conversion.Store   = (*ConversionStore)(nil)
	_ conversion.Tenants = (*ConversionStore)(nil)
)

// convCols are the columns of convSelect by name (to read them back from a CTE).
const convCols = `id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id, partner_id, source_id, country, device,
	sub1, sub2, sub3, sub4, sub5, event, tx_id, status, revenue, currency, default_payout, payout_currency,
	test, fraud, seq, created_at, updated_at`

const convSelect = `id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id, partner_id, source_id, country, device,
	sub1, sub2, sub3, sub4, sub5, event, tx_id, status, revenue::text, currency, default_payout::text, payout_currency,
	test, fraud, seq, created_at, updated_at`

func scanConversion(r pgx.Row) (conversion.Conversion, error) {
	var c conversion.Conversion
	var rev, pay string
	err := r.Scan(&c.ID, &c.TenantID, &c.DedupeKey, &c.ClickID, &c.ClickedAt, &c.CampaignID, &c.OfferID, &c.PartnerID,
		&c.SourceID, &c.Country, &c.Device, &c.Subs[0], &c.Subs[1], &c.Subs[2], &c.Subs[3], &c.Subs[4], &c.Event, &c.TxID,
		&c.Status, &rev, &c.Currency, &pay, &c.PayoutCurrency, &c.Test, &c.Fraud, &c.Seq, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	if c.Revenue, err = core.ParseDecimal(rev); err != nil {
		return c, err
	}
	c.Payout, err = core.ParseDecimal(pay)
	return c, err
}

// Apply implements conversion.Store. A new conversion (the common case)
// takes one statement: the conversion, its first transition and the log
// entry are inserted together. A known key takes the transactional path that
// locks the conversion and compares statuses.
func (s *ConversionStore) Apply(ctx context.Context, c conversion.Conversion, e conversion.LogEntry) (conversion.Applied, error) {
	created, ok, err := s.create(ctx, c, e)
	if err != nil || ok {
		return created, err
	}
	var out conversion.Applied
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = apply(ctx, tx, c)
		if err != nil {
			return err
		}
		if out.Event != nil {
			if err := insertTransition(ctx, tx, *out.Event); err != nil {
				return err
			}
		}
		e.Result, e.StatusCode, e.ConversionID = out.Result, 200, out.Conversion.ID
		return insertLog(ctx, tx, e)
	})
	return out, err
}

// createSQL inserts a conversion unless its key exists and, only when it
// did, the first transition ($24, the event payload) and the log entry.
const createSQL = `
WITH c AS (
    INSERT INTO conversions (id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id, partner_id,
        source_id, country, device, sub1, sub2, sub3, sub4, sub5, event, tx_id, status, revenue, currency,
        default_payout, payout_currency, test, fraud, seq, created_at, updated_at)
    SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,
           coalesce(o.payout, 0), coalesce(o.currency, 'USD'), $22, $23, 1, $25, $25
    FROM (SELECT 1) one LEFT JOIN offers o ON o.tenant_id = $2 AND o.id = $7
    ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING ` + convSelect + `
), t AS (
    INSERT INTO conversion_transitions (conversion_id, seq, tenant_id, prev_status, status, revenue, currency, payload, created_at)
    SELECT id, 1, tenant_id, '', status, revenue::numeric, currency, $24, created_at FROM c
), l AS (
    INSERT INTO postbacks_incoming (id, tenant_id, received_at, method, ip, query, click_id, result, status_code, conversion_id, message)
    SELECT $26, $2, $27, $28, $29, $30, $31, 'created', 200, c.id, '' FROM c
)
SELECT ` + convCols + ` FROM c`

// create runs createSQL; ok is false when the key already existed.
func (s *ConversionStore) create(ctx context.Context, c conversion.Conversion, e conversion.LogEntry) (conversion.Applied, bool, error) {
	ev := c.EventOf("")
	payload, err := json.Marshal(ev)
	if err != nil {
		return conversion.Applied{}, false, err
	}
	row := s.db.Pool.QueryRow(ctx, createSQL, c.ID, c.TenantID, c.DedupeKey, c.ClickID, c.ClickedAt, c.CampaignID,
		c.OfferID, c.PartnerID, c.SourceID, c.Country, c.Device, c.Subs[0], c.Subs[1], c.Subs[2], c.Subs[3], c.Subs[4],
		c.Event, c.TxID, c.Status, c.Revenue.StringFixed(0), c.Currency, c.Test, c.Fraud, payload, c.CreatedAt,
		e.ID, e.ReceivedAt, e.Method, e.IP, e.Query, clip(e.ClickID, 128))
	got, err := scanConversion(row)
	if err == pgx.ErrNoRows {
		return conversion.Applied{}, false, nil
	}
	if err != nil {
		return conversion.Applied{}, false, fmt.Errorf("create conversion: %w", translate(err, "conversion"))
	}
	return conversion.Applied{Result: conversion.ResultCreated, Conversion: got, Event: &ev}, true, nil
}

// apply inserts c, or locks the existing conversion with its key and moves
// it to c's status.
func apply(ctx context.Context, tx pgx.Tx, c conversion.Conversion) (conversion.Applied, error) {
	row := tx.QueryRow(ctx, `INSERT INTO conversions (id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id,
		partner_id, source_id, country, device, sub1, sub2, sub3, sub4, sub5, event, tx_id, status, revenue, currency,
		default_payout, payout_currency, test, fraud, seq, created_at, updated_at)
		SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,
		       coalesce(o.payout, 0), coalesce(o.currency, 'USD'), $22, $23, 1, $24, $24
		FROM (SELECT 1) one LEFT JOIN offers o ON o.tenant_id = $2 AND o.id = $7
		ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING `+convSelect,
		c.ID, c.TenantID, c.DedupeKey, c.ClickID, c.ClickedAt, c.CampaignID, c.OfferID, c.PartnerID, c.SourceID, c.Country,
		c.Device, c.Subs[0], c.Subs[1], c.Subs[2], c.Subs[3], c.Subs[4], c.Event, c.TxID, c.Status, c.Revenue.StringFixed(0),
		c.Currency, c.Test, c.Fraud, c.CreatedAt)
	created, err := scanConversion(row)
	if err == nil {
		ev := created.EventOf("")
		return conversion.Applied{Result: conversion.ResultCreated, Conversion: created, Event: &ev}, nil
	}
	if err != pgx.ErrNoRows {
		return conversion.Applied{}, fmt.Errorf("insert conversion: %w", translate(err, "conversion"))
	}
	old, err := scanConversion(tx.QueryRow(ctx, `SELECT `+convSelect+` FROM conversions WHERE tenant_id=$1 AND dedupe_key=$2 FOR UPDATE`, c.TenantID, c.DedupeKey))
	if err != nil {
		return conversion.Applied{}, fmt.Errorf("lock conversion: %w", err)
	}
	if old.Status == c.Status {
		return conversion.Applied{Result: conversion.ResultDuplicate, Conversion: old}, nil
	}
	upd, err := scanConversion(tx.QueryRow(ctx, `UPDATE conversions SET status=$2, revenue=CASE WHEN $3::numeric > 0 THEN $3::numeric ELSE revenue END,
		currency=CASE WHEN $3::numeric > 0 THEN $4 ELSE currency END, seq=seq+1, updated_at=$5 WHERE id=$1 RETURNING `+convSelect,
		old.ID, c.Status, c.Revenue.StringFixed(0), c.Currency, c.UpdatedAt))
	if err != nil {
		return conversion.Applied{}, fmt.Errorf("update conversion: %w", err)
	}
	ev := upd.EventOf(old.Status)
	return conversion.Applied{Result: conversion.ResultUpdated, Conversion: upd, Event: &ev}, nil
}

func insertTransition(ctx context.Context, tx pgx.Tx, ev event.Conversion) error {
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO conversion_transitions (conversion_id, seq, tenant_id, prev_status, status, revenue, currency, payload, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, ev.ConversionID, ev.Seq, ev.TenantID, ev.PrevStatus, ev.Status,
		ev.Revenue.StringFixed(0), ev.Currency, payload, ev.OccurredAt)
	return translate(err, "conversion transition")
}

func insertLog(ctx context.Context, tx pgx.Tx, e conversion.LogEntry) error {
	_, err := tx.Exec(ctx, `INSERT INTO postbacks_incoming (id, tenant_id, received_at, method, ip, query, click_id, result, status_code, conversion_id, message)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, e.ID, e.TenantID, e.ReceivedAt, e.Method, e.IP, e.Query,
		clip(e.ClickID, 128), e.Result, e.StatusCode, e.ConversionID, e.Message)
	return translate(err, "postback log")
}

func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "")
	}
	return strings.ToValidUTF8(s, "")
}

// LogPostback implements conversion.Store.
func (s *ConversionStore) LogPostback(ctx context.Context, e conversion.LogEntry) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error { return insertLog(ctx, tx, e) })
}

// MarkPublished implements conversion.Store.
func (s *ConversionStore) MarkPublished(ctx context.Context, refs []conversion.TransitionRef) error {
	ids, seqs := make([]string, len(refs)), make([]int64, len(refs))
	for i, r := range refs {
		ids[i], seqs[i] = r.ConversionID, r.Seq
	}
	_, err := s.db.Pool.Exec(ctx, `UPDATE conversion_transitions t SET published_at = now()
		FROM unnest($1::text[], $2::bigint[]) AS r(id, seq)
		WHERE t.conversion_id = r.id AND t.seq = r.seq AND t.published_at IS NULL`, ids, seqs)
	return err
}

// Unpublished implements conversion.Store.
func (s *ConversionStore) Unpublished(ctx context.Context, before time.Time, limit int) ([]event.Conversion, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT payload FROM conversion_transitions WHERE published_at IS NULL AND created_at < $1
		ORDER BY created_at LIMIT $2`, before, limit)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r pgx.CollectableRow) (event.Conversion, error) {
		var ev event.Conversion
		var b []byte
		if err := r.Scan(&b); err != nil {
			return ev, err
		}
		return ev, json.Unmarshal(b, &ev)
	})
}

// Conversions implements conversion.Store.
func (s *ConversionStore) Conversions(ctx context.Context, tenant core.TenantID, q conversion.ListQuery) ([]conversion.Conversion, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+convSelect+` FROM conversions WHERE tenant_id=$1
		AND ($2 = '' OR partner_id = $2) AND ($3 = '' OR status = $3) AND ($4 = '' OR id < $4)
		ORDER BY id DESC LIMIT $5`, tenant, q.PartnerID, q.Status, q.Before, q.Limit)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r pgx.CollectableRow) (conversion.Conversion, error) { return scanConversion(r) })
}

// Postbacks implements conversion.Store.
func (s *ConversionStore) Postbacks(ctx context.Context, tenant core.TenantID, limit int, before string) ([]conversion.LogEntry, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT id, tenant_id, received_at, method, ip, query, click_id, result, status_code, conversion_id, message
		FROM postbacks_incoming WHERE tenant_id=$1 AND ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3`, tenant, before, limit)
	if err != nil {
		return nil, err
	}
	return collectAll(rows, func(r pgx.CollectableRow) (conversion.LogEntry, error) {
		var e conversion.LogEntry
		return e, r.Scan(&e.ID, &e.TenantID, &e.ReceivedAt, &e.Method, &e.IP, &e.Query, &e.ClickID, &e.Result, &e.StatusCode, &e.ConversionID, &e.Message)
	})
}

// PostbackTenant implements conversion.Tenants.
func (s *ConversionStore) PostbackTenant(ctx context.Context, token string) (conversion.TenantAccess, error) {
	var a conversion.TenantAccess
	var allow []string
	err := s.db.Pool.QueryRow(ctx, `SELECT id, postback_ip_allow FROM tenants WHERE postback_token=$1 AND status <> 'suspended'`, token).Scan(&a.TenantID, &allow)
	if err == pgx.ErrNoRows {
		return a, core.Errorf(core.KindUnauthorized, "missing or invalid postback token")
	}
	if err != nil {
		return a, fmt.Errorf("postback token: %w", err)
	}
	for _, s := range allow {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				continue
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		a.AllowIPs = append(a.AllowIPs, p)
	}
	return a, nil
}
