package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/event"
)

// attributionSQL reads the clicks of many postbacks at once: only the fields
// a conversion copies. The lateral lookup probes, per click, the primary key
// (id, clicked_at) of its day's partition (run-time pruning), however many
// clicks the batch and the partitions hold.
const attributionSQL = `
SELECT c.id, c.clicked_at, c.tenant_id, c.campaign_id, c.offer_id, c.partner_id, c.source_id, c.country, c.device,
       c.sub1, c.sub2, c.sub3, c.sub4, c.sub5, c.fraud
FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS k(id, at, tenant_id)
CROSS JOIN LATERAL (SELECT * FROM clicks c WHERE c.id = k.id AND c.clicked_at = k.at AND c.tenant_id = k.tenant_id) c`

// Attribution implements conversion.Store.
func (s *ConversionStore) Attribution(ctx context.Context, refs []conversion.ClickRef) ([]event.Click, error) {
	ids, ats, tenants := make([]string, len(refs)), make([]time.Time, len(refs)), make([]string, len(refs))
	for i, r := range refs {
		ids[i], ats[i], tenants[i] = r.ID, r.At, string(r.TenantID)
	}
	rows, err := s.db.Pool.Query(ctx, attributionSQL, ids, ats, tenants)
	if err != nil {
		return nil, fmt.Errorf("find clicks: %w", err)
	}
	return collectAll(rows, func(r pgx.CollectableRow) (event.Click, error) {
		var c event.Click
		return c, r.Scan(&c.ID, &c.At, &c.TenantID, &c.CampaignID, &c.OfferID, &c.PartnerID, &c.SourceID, &c.Country,
			&c.Device, &c.Subs[0], &c.Subs[1], &c.Subs[2], &c.Subs[3], &c.Subs[4], &c.Fraud)
	})
}

// createManySQL is createSQL for many postbacks: one row of the arrays per
// conversion. Conversions whose key exists (also earlier in the same
// statement) are skipped; each one inserted gets its first transition and
// its log entry. Rows arrive sorted by key, so two statements racing for the
// same keys take them in the same order and cannot deadlock.
const createManySQL = `
WITH u AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
        $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::boolean[], $23::boolean[], $24::text[],
        $25::timestamptz[], $26::text[], $27::timestamptz[], $28::text[], $29::text[], $30::text[], $31::text[])
        WITH ORDINALITY AS u(id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id, partner_id,
            source_id, country, device, sub1, sub2, sub3, sub4, sub5, event, tx_id, status, revenue, currency, test,
            fraud, payload, created_at, log_id, received_at, method, ip, query, log_click_id, ord)
), c AS (
    INSERT INTO conversions (id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id, partner_id,
        source_id, country, device, sub1, sub2, sub3, sub4, sub5, event, tx_id, status, revenue, currency,
        default_payout, payout_currency, test, fraud, seq, created_at, updated_at)
    SELECT u.id, u.tenant_id, u.dedupe_key, u.click_id, u.clicked_at, u.campaign_id, u.offer_id, u.partner_id,
           u.source_id, u.country, u.device, u.sub1, u.sub2, u.sub3, u.sub4, u.sub5, u.event, u.tx_id, u.status,
           u.revenue::numeric, u.currency, coalesce(o.payout, 0), coalesce(o.currency, 'USD'), u.test, u.fraud, 1,
           u.created_at, u.created_at
    FROM u LEFT JOIN offers o ON o.tenant_id = u.tenant_id AND o.id = u.offer_id
    ORDER BY u.ord
    ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
    RETURNING id, tenant_id, status, revenue, currency, created_at, default_payout::text, payout_currency
), t AS (
    INSERT INTO conversion_transitions (conversion_id, seq, tenant_id, prev_status, status, revenue, currency, payload, created_at)
    SELECT c.id, 1, c.tenant_id, '', c.status, c.revenue, c.currency, u.payload::jsonb, c.created_at FROM c JOIN u ON u.id = c.id
), l AS (
    INSERT INTO postbacks_incoming (id, tenant_id, received_at, method, ip, query, click_id, result, status_code, conversion_id, message)
    SELECT u.log_id, u.tenant_id, u.received_at, u.method, u.ip, u.query, u.log_click_id, 'created', 200, c.id, ''
    FROM c JOIN u ON u.id = c.id
)
SELECT id, default_payout, payout_currency FROM c`

// CreateMany implements conversion.Store.
func (s *ConversionStore) CreateMany(ctx context.Context, cs []conversion.Conversion, logs []conversion.LogEntry) ([]bool, error) {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(cs[a].TenantID, cs[b].TenantID), cmp.Compare(cs[a].DedupeKey, cs[b].DedupeKey))
	})
	args, err := createManyArgs(cs, logs, order)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Pool.Query(ctx, createManySQL, args...)
	if err != nil {
		return nil, fmt.Errorf("create conversions: %w", translate(err, "conversion"))
	}
	type payout struct{ id, amount, currency string }
	got, err := collectAll(rows, func(r pgx.CollectableRow) (payout, error) {
		var p payout
		return p, r.Scan(&p.id, &p.amount, &p.currency)
	})
	if err != nil {
		return nil, fmt.Errorf("create conversions: %w", translate(err, "conversion"))
	}
	byID := make(map[string]int, len(cs))
	for i, c := range cs {
		byID[c.ID] = i
	}
	created := make([]bool, len(cs))
	for _, p := range got {
		i := byID[p.id]
		created[i], cs[i].PayoutCurrency = true, core.Currency(p.currency)
		if cs[i].Payout, err = core.ParseDecimal(p.amount); err != nil {
			return nil, fmt.Errorf("create conversions: payout %q: %w", p.amount, err)
		}
	}
	return created, nil
}

// createManyArgs lays the conversions and their log entries out as the
// column arrays of createManySQL, in the given order.
func createManyArgs(cs []conversion.Conversion, logs []conversion.LogEntry, order []int) ([]any, error) {
	n := len(cs)
	text := make([][]string, 26) // the text columns, in the order of the list below
	for i := range text {
		text[i] = make([]string, n)
	}
	clicked, created, received := make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	test, fraud := make([]bool, n), make([]bool, n)
	for j, i := range order {
		c, e := cs[i], logs[i]
		payload, err := json.Marshal(c.EventOf(""))
		if err != nil {
			return nil, fmt.Errorf("encode conversion event: %w", err)
		}
		for k, v := range []string{c.ID, string(c.TenantID), c.DedupeKey, c.ClickID, c.CampaignID, c.OfferID, c.PartnerID,
			c.SourceID, c.Country, c.Device, c.Subs[0], c.Subs[1], c.Subs[2], c.Subs[3], c.Subs[4], c.Event, c.TxID,
			c.Status, c.Revenue.StringFixed(0), string(c.Currency), string(payload), e.ID, e.Method, e.IP, e.Query,
			clip(e.ClickID, 128)} {
			text[k][j] = v
		}
		clicked[j], created[j], received[j], test[j], fraud[j] = c.ClickedAt, c.CreatedAt, e.ReceivedAt, c.Test, c.Fraud
	}
	t := text
	return []any{t[0], t[1], t[2], t[3], clicked, t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13],
		t[14], t[15], t[16], t[17], t[18], t[19], test, fraud, t[20], created, t[21], received, t[22], t[23], t[24],
		t[25]}, nil
}
