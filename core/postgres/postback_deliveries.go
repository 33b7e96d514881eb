package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// RecordResults implements postback.DeliveryStore. The rows of a batch go
// in as arrays in one statement (deliveries upserted in a data-modifying
// CTE, attempts inserted by the main query): one round trip and one atomic
// write per batch, which is what lets the workers log thousands of attempts
// per second.
func (s *PostbackStore) RecordResults(ctx context.Context, results []postback.Result) error {
	d, a, err := resultColumns(latestPerDelivery(results))
	if err != nil {
		return err
	}
	if _, err := s.db.Pool.Exec(ctx, recordResults, append(d, a...)...); err != nil {
		return fmt.Errorf("record delivery results: %w", err)
	}
	return nil
}

// recordResults is upsertDeliveries ($1-$19) then insertAttempts ($20-$29).
var recordResults = "WITH upserted AS (" + upsertDeliveries + " RETURNING 1)\n" + insertAttempts

// upsertDeliveries creates or advances delivery rows. A row never moves
// backwards: finished deliveries and older attempts are left alone. A
// deferral (no method) keeps the last attempt's request, answer and error.
const upsertDeliveries = `
INSERT INTO postback_deliveries AS d (id, tenant_id, kind, partner_id, endpoint_id, conversion_id, offer_id, event,
	conversion_status, status, attempts, test, method, url, last_status_code, last_error, next_attempt_at, job,
	created_at, updated_at, delivered_at)
SELECT id, tenant_id, kind, NULLIF(partner_id, ''), endpoint_id, conversion_id, offer_id, event, conversion_status,
	status, attempts, test, method, url, NULLIF(code, 0), last_error, next_at, job::jsonb, created_at, now(),
	CASE WHEN status = 'delivered' THEN now() END
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
	$10::text[], $11::int[], $12::bool[], $13::text[], $14::text[], $15::int[], $16::text[], $17::timestamptz[],
	$18::text[], $19::timestamptz[])
	AS t(id, tenant_id, kind, partner_id, endpoint_id, conversion_id, offer_id, event, conversion_status, status,
	attempts, test, method, url, code, last_error, next_at, job, created_at)
ON CONFLICT (id) DO UPDATE SET
	status = EXCLUDED.status, attempts = EXCLUDED.attempts, next_attempt_at = EXCLUDED.next_attempt_at,
	job = EXCLUDED.job, updated_at = now(), delivered_at = EXCLUDED.delivered_at,
	last_error = CASE WHEN EXCLUDED.method <> '' OR d.attempts = 0 OR EXCLUDED.status = 'failed'
		THEN EXCLUDED.last_error ELSE d.last_error END,
	conversion_status = EXCLUDED.conversion_status,
	method = CASE WHEN EXCLUDED.method <> '' THEN EXCLUDED.method ELSE d.method END,
	url = CASE WHEN EXCLUDED.method <> '' THEN EXCLUDED.url ELSE d.url END,
	last_status_code = CASE WHEN EXCLUDED.method <> '' THEN EXCLUDED.last_status_code ELSE d.last_status_code END
WHERE d.status NOT IN ('delivered', 'failed') AND EXCLUDED.attempts >= d.attempts`

const insertAttempts = `
INSERT INTO postback_attempts (delivery_id, attempt, tenant_id, method, url, status_code, error, response_excerpt,
	latency_us, started_at)
SELECT delivery_id, attempt, tenant_id, method, url, NULLIF(code, 0), error, excerpt, latency_us, started_at
FROM unnest($20::text[], $21::int[], $22::text[], $23::text[], $24::text[], $25::int[], $26::text[], $27::text[],
	$28::bigint[], $29::timestamptz[])
	AS t(delivery_id, attempt, tenant_id, method, url, code, error, excerpt, latency_us, started_at)
ON CONFLICT (delivery_id, attempt) DO NOTHING`

// latestPerDelivery keeps one result per delivery (the furthest along), as
// one statement cannot update a row twice.
func latestPerDelivery(results []postback.Result) []postback.Result {
	idx := make(map[string]int, len(results))
	out := results[:0:0]
	for _, r := range results {
		i, seen := idx[r.Job.DeliveryID]
		switch {
		case !seen:
			idx[r.Job.DeliveryID] = len(out)
			out = append(out, r)
		case progress(r) > progress(out[i]):
			out[i] = r
		}
	}
	return out
}

func progress(r postback.Result) int {
	n := r.Job.Attempt*2 - 1 // a deferral of attempt n ranks below attempt n itself
	if r.Attempt != nil {
		n++
	}
	return n
}

// resultColumns turns results into the array arguments of the two statements.
func resultColumns(results []postback.Result) (deliveries, attempts []any, err error) {
	var d deliveryCols
	var a attemptCols
	for _, r := range results {
		if err := d.add(r); err != nil {
			return nil, nil, err
		}
		if r.Attempt != nil {
			a.add(r.Job, *r.Attempt)
		}
	}
	return d.args(), a.args(), nil
}

// deliveryCols are the columns of upsertDeliveries, one slice per column.
type deliveryCols struct {
	id, tenant, kind, partner, endpoint, conv, offer, event, cstatus, status []string
	method, url, lastErr, job                                                []string
	attempts, code                                                           []int32
	test                                                                     []bool
	next                                                                     []*time.Time
	created                                                                  []time.Time
}

func (c *deliveryCols) add(r postback.Result) error {
	j, b := r.Job, r.JobJSON
	if b == nil {
		var err error
		if b, err = json.Marshal(j); err != nil {
			return fmt.Errorf("encode job: %w", err)
		}
	}
	c.id, c.tenant, c.kind = append(c.id, j.DeliveryID), append(c.tenant, string(j.TenantID)), append(c.kind, j.Kind)
	c.partner, c.endpoint = append(c.partner, j.PartnerID), append(c.endpoint, j.EndpointID)
	c.conv, c.offer, c.event = append(c.conv, j.ConversionID), append(c.offer, j.OfferID), append(c.event, j.Event)
	c.cstatus, c.status = append(c.cstatus, j.Status), append(c.status, string(r.Status))
	c.test, c.lastErr, c.job = append(c.test, j.Test), append(c.lastErr, r.Reason), append(c.job, string(b))
	c.created = append(c.created, j.FirstAt)
	var next *time.Time
	if !r.NextAt.IsZero() {
		next = &r.NextAt
	}
	c.next = append(c.next, next)
	a := postback.Attempt{}
	made := int32(j.Attempt - 1) // a deferral: the attempt was not made
	if r.Attempt != nil {
		a, made = *r.Attempt, int32(j.Attempt)
	}
	c.attempts, c.method, c.url = append(c.attempts, made), append(c.method, a.Method), append(c.url, a.URL)
	c.code = append(c.code, int32(a.StatusCode))
	return nil
}

func (c *deliveryCols) args() []any {
	return []any{c.id, c.tenant, c.kind, c.partner, c.endpoint, c.conv, c.offer, c.event, c.cstatus, c.status,
		c.attempts, c.test, c.method, c.url, c.code, c.lastErr, c.next, c.job, c.created}
}

type attemptCols struct {
	id, tenant, method, url, errs, excerpt []string
	number, code                           []int32
	latency                                []int64
	started                                []time.Time
}

func (c *attemptCols) add(j event.OutgoingPostback, a postback.Attempt) {
	c.id, c.tenant = append(c.id, j.DeliveryID), append(c.tenant, string(j.TenantID))
	c.method, c.url, c.errs = append(c.method, a.Method), append(c.url, a.URL), append(c.errs, a.Error)
	c.excerpt, c.number = append(c.excerpt, a.Excerpt), append(c.number, int32(j.Attempt))
	c.code, c.latency = append(c.code, int32(a.StatusCode)), append(c.latency, a.Latency.Microseconds())
	c.started = append(c.started, a.StartedAt)
}

func (c *attemptCols) args() []any {
	return []any{nonNil(c.id), c.number, c.tenant, c.method, c.url, c.code, c.errs, c.excerpt, c.latency, c.started}
}

// DeliveryStates implements postback.DeliveryStore.
func (s *PostbackStore) DeliveryStates(ctx context.Context, ids []string) (map[string]postback.DeliveryState, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT id, status, attempts FROM postback_deliveries WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("delivery states: %w", err)
	}
	defer rows.Close()
	out := make(map[string]postback.DeliveryState, len(ids))
	for rows.Next() {
		var id string
		var st postback.DeliveryState
		if err := rows.Scan(&id, &st.Status, &st.Attempts); err != nil {
			return nil, fmt.Errorf("delivery states: %w", err)
		}
		out[id] = st
	}
	return out, rows.Err()
}

// ClaimDue implements postback.DeliveryStore. SKIP LOCKED lets several nodes
// claim disjoint sets.
func (s *PostbackStore) ClaimDue(ctx context.Context, now time.Time, limit int, publish func(context.Context, []event.OutgoingPostback) error) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT job, attempts FROM postback_deliveries
			WHERE status = 'retrying' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2
			FOR UPDATE SKIP LOCKED`, now, limit)
		if err != nil {
			return err
		}
		jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (event.OutgoingPostback, error) {
			var j event.OutgoingPostback
			var attempts int
			err := r.Scan(&j, &attempts)
			j.Attempt = attempts + 1
			return j, err
		})
		if err != nil || len(jobs) == 0 {
			return err
		}
		if err := publish(ctx, jobs); err != nil {
			return err
		}
		ids := make([]string, len(jobs))
		for i, j := range jobs {
			ids[i] = j.DeliveryID
		}
		n = len(jobs)
		_, err = tx.Exec(ctx, `UPDATE postback_deliveries SET status = 'queued', next_attempt_at = NULL,
			updated_at = now() WHERE id = ANY($1)`, ids)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("claim due deliveries: %w", err)
	}
	return n, nil
}

const deliveryColumns = `id, tenant_id, kind, coalesce(partner_id, ''), endpoint_id, conversion_id, offer_id, event,
	conversion_status, status, attempts, test, method, url, coalesce(last_status_code, 0), last_error, next_attempt_at,
	created_at, updated_at, delivered_at, job`

func scanDelivery(row pgx.Row) (postback.Delivery, error) {
	var d postback.Delivery
	err := row.Scan(&d.ID, &d.TenantID, &d.Kind, &d.PartnerID, &d.EndpointID, &d.ConversionID, &d.OfferID, &d.Event,
		&d.ConversionStatus, &d.Status, &d.Attempts, &d.Test, &d.Method, &d.URL, &d.LastStatusCode, &d.LastError,
		&d.NextAttemptAt, &d.CreatedAt, &d.UpdatedAt, &d.DeliveredAt, &d.Job)
	return d, err
}

// Deliveries implements postback.DeliveryStore.
func (s *PostbackStore) Deliveries(ctx context.Context, tenant core.TenantID, f postback.Filter) ([]postback.Delivery, error) {
	where, args := deliveryWhere(tenant, f)
	rows, err := s.db.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM postback_deliveries WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT `+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, translate(err, "delivery")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (postback.Delivery, error) { return scanDelivery(r) })
	return out, translate(err, "delivery")
}

// deliveryWhere builds the log filter; every value is a bind parameter.
func deliveryWhere(tenant core.TenantID, f postback.Filter) (string, []any) {
	conds, args := []string{"tenant_id = $1"}, []any{tenant}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.PartnerID != "" {
		add("partner_id = ?", f.PartnerID)
	}
	for cond, v := range map[string]string{"kind = ?": string(f.Kind), "status = ?": string(f.Status),
		"endpoint_id = ?": f.EndpointID, "conversion_id = ?": f.ConversionID} {
		if v != "" {
			add(cond, v)
		}
	}
	if !f.From.IsZero() {
		add("created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("created_at < ?", f.To)
	}
	if c := f.After; c != nil {
		add("created_at <= ?", c.CreatedAt)
		add("(created_at, id) < ("+"$"+strconv.Itoa(len(args))+", ?)", c.ID)
	}
	return strings.Join(conds, " AND "), args
}

// Delivery implements postback.DeliveryStore.
func (s *PostbackStore) Delivery(ctx context.Context, tenant core.TenantID, id string) (postback.Delivery, error) {
	d, err := scanDelivery(s.db.Pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM postback_deliveries
		WHERE tenant_id = $1 AND id = $2`, tenant, id))
	return d, translate(err, "delivery")
}

// Attempts implements postback.DeliveryStore.
func (s *PostbackStore) Attempts(ctx context.Context, tenant core.TenantID, id string) ([]postback.Attempt, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT delivery_id, attempt, method, url, coalesce(status_code, 0), error,
		response_excerpt, latency_us, started_at FROM postback_attempts WHERE tenant_id = $1 AND delivery_id = $2
		ORDER BY attempt`, tenant, id)
	if err != nil {
		return nil, translate(err, "delivery")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (postback.Attempt, error) {
		var a postback.Attempt
		var us int64
		err := r.Scan(&a.DeliveryID, &a.Number, &a.Method, &a.URL, &a.StatusCode, &a.Error, &a.Excerpt, &us, &a.StartedAt)
		a.Latency = time.Duration(us) * time.Microsecond
		return a, err
	})
	return out, translate(err, "delivery")
}

// ScheduleReplay implements postback.DeliveryStore.
func (s *PostbackStore) ScheduleReplay(ctx context.Context, tenant core.TenantID, id string, job event.OutgoingPostback, now time.Time) error {
	b, err := json.Marshal(job)
	if err != nil {
		return fmt.Errorf("encode job: %w", err)
	}
	tag, err := s.db.Pool.Exec(ctx, `UPDATE postback_deliveries SET status = 'retrying', next_attempt_at = $3,
		job = $4::jsonb, last_error = 'replay requested', updated_at = now(), delivered_at = NULL
		WHERE tenant_id = $1 AND id = $2 AND status IN ('failed', 'delivered')`, tenant, id, now, string(b))
	if err != nil {
		return translate(err, "delivery")
	}
	if tag.RowsAffected() == 0 {
		if _, err := s.Delivery(ctx, tenant, id); err != nil {
			return err
		}
		return core.Errorf(core.KindConflict, "the delivery is already pending")
	}
	return nil
}
