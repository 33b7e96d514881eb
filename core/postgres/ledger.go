package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/ledger"
)

// LedgerStore implements ledger.Store.
type LedgerStore struct{ db *DB }

// NewLedgerStore returns the ledger's storage on db.
func NewLedgerStore(db *DB) *LedgerStore { return &LedgerStore{db: db} }

// Interface guard.
var _ ledger.Store = (*LedgerStore)(nil)

// InTx implements ledger.Store.
func (s *LedgerStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.RunInTx(ctx, fn)
}

// LockPartner takes a transaction-scoped advisory lock on (tenant, partner).
func (s *LedgerStore) LockPartner(ctx context.Context, tenant core.TenantID, partnerID string) error {
	return lockKey(ctx, s.db, "partner", string(tenant), partnerID)
}

// lockKey takes a transaction-scoped advisory lock on the joined parts. A
// hash collision only serialises two unrelated keys, never breaks anything.
func lockKey(ctx context.Context, db *DB, parts ...string) error {
	if !inTx(ctx) {
		return errors.New("lock: no transaction in context")
	}
	key := ""
	for _, p := range parts {
		key += p + "/"
	}
	_, err := db.q(ctx).Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key)
	return err
}

// InsertTxn implements ledger.Store.
func (s *LedgerStore) InsertTxn(ctx context.Context, tenant core.TenantID, t ledger.Txn, id string) (bool, string, string, error) {
	var got string
	err := s.db.q(ctx).QueryRow(ctx, `
		INSERT INTO ledger_transactions (id, tenant_id, idem_key, digest, kind, partner_id, conversion_id, payout_id, memo)
		VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''), nullif($8, ''), $9)
		ON CONFLICT (tenant_id, idem_key) DO NOTHING RETURNING id`,
		id, tenant, t.Key, t.Digest(), t.Kind, t.PartnerID, t.ConversionID, t.PayoutID, t.Memo).Scan(&got)
	if err == nil {
		return true, "", "", nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return false, "", "", translate(err, "ledger transaction")
	}
	var oldID, digest string
	err = s.db.q(ctx).QueryRow(ctx, `SELECT id, digest FROM ledger_transactions WHERE tenant_id = $1 AND idem_key = $2`,
		tenant, t.Key).Scan(&oldID, &digest)
	return false, oldID, digest, err
}

// LockAccounts implements ledger.Store.
func (s *LedgerStore) LockAccounts(ctx context.Context, tenant core.TenantID, accounts []ledger.Account) (map[ledger.Account]core.Decimal, error) {
	ps, ks, cs := splitAccounts(accounts)
	q := s.db.q(ctx)
	if _, err := q.Exec(ctx, `
		INSERT INTO ledger_accounts (tenant_id, partner_id, kind, currency)
		SELECT $1, p, k, c FROM unnest($2::text[], $3::text[], $4::text[]) AS t(p, k, c)
		ON CONFLICT DO NOTHING`, tenant, ps, ks, cs); err != nil {
		return nil, translate(err, "ledger account")
	}
	rows, err := q.Query(ctx, `
		SELECT partner_id, kind, currency, balance::text FROM ledger_accounts
		WHERE tenant_id = $1 AND (partner_id, kind, currency) IN
		      (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]))
		ORDER BY id FOR UPDATE`, tenant, ps, ks, cs)
	if err != nil {
		return nil, err
	}
	out := make(map[ledger.Account]core.Decimal, len(accounts))
	for _, ab := range collectBalances(rows, &err) {
		out[ab.Account] = ab.Balance
	}
	return out, err
}

func splitAccounts(as []ledger.Account) (ps, ks, cs []string) {
	for _, a := range as {
		ps, ks, cs = append(ps, a.PartnerID), append(ks, string(a.Kind)), append(cs, string(a.Currency))
	}
	return ps, ks, cs
}

// collectBalances reads (partner_id, kind, currency, balance) rows; it sets
// *errp on failure.
func collectBalances(rows pgx.Rows, errp *error) []ledger.AccountBalance {
	defer rows.Close()
	var out []ledger.AccountBalance
	for rows.Next() {
		var p, k, c, b string
		if err := rows.Scan(&p, &k, &c, &b); err != nil {
			*errp = err
			return nil
		}
		d, err := core.ParseDecimal(b)
		if err != nil {
			*errp = fmt.Errorf("balance of %s/%s/%s: %w", p, k, c, err)
			return nil
		}
		out = append(out, ledger.AccountBalance{Account: ledger.Account{PartnerID: p, Kind: ledger.AccountKind(k), Currency: core.Currency(c)}, Balance: d})
	}
	*errp = rows.Err()
	return out
}

// InsertEntries implements ledger.Store.
func (s *LedgerStore) InsertEntries(ctx context.Context, tenant core.TenantID, id string, entries []ledger.Entry) error {
	var ps, ks, cs, amts []string
	for _, e := range entries {
		ps, ks, cs = append(ps, e.Account.PartnerID), append(ks, string(e.Account.Kind)), append(cs, string(e.Account.Currency))
		amts = append(amts, e.Amount.StringFixed(8))
	}
	tag, err := s.db.q(ctx).Exec(ctx, `
		INSERT INTO ledger_entries (transaction_id, tenant_id, account_id, currency, amount)
		SELECT $1, $2, a.id, a.currency, t.amt::numeric
		FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS t(p, k, c, amt, n)
		JOIN ledger_accounts a ON a.tenant_id = $2 AND a.partner_id = t.p AND a.kind = t.k AND a.currency = t.c
		ORDER BY t.n`, id, tenant, ps, ks, cs, amts)
	if err != nil {
		if isCheckViolation(err) {
			return core.Wrap(core.KindConflict, err, "insufficient balance")
		}
		return translate(err, "ledger entry")
	}
	if int(tag.RowsAffected()) != len(entries) {
		return fmt.Errorf("ledger: wrote %d of %d entries of %s", tag.RowsAffected(), len(entries), id)
	}
	return nil
}

// Balances implements ledger.Store.
func (s *LedgerStore) Balances(ctx context.Context, tenant core.TenantID, f ledger.BalanceFilter) ([]ledger.AccountBalance, error) {
	kinds := make([]string, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = string(k)
	}
	rows, err := s.db.q(ctx).Query(ctx, `
		SELECT partner_id, kind, currency, balance::text FROM ledger_accounts
		WHERE tenant_id = $1 AND (partner_id = $2 OR ($2 = '' AND NOT $3))
		  AND (cardinality($4::text[]) = 0 OR kind = ANY($4)) AND ($5 = '' OR currency = $5)
		ORDER BY partner_id, currency, kind`, tenant, f.PartnerID, f.Exact, kinds, string(f.Currency))
	if err != nil {
		return nil, err
	}
	out := collectBalances(rows, &err)
	return out, err
}

// Entries implements ledger.Store.
func (s *LedgerStore) Entries(ctx context.Context, tenant core.TenantID, f ledger.EntryFilter) ([]ledger.EntryView, error) {
	rows, err := s.db.q(ctx).Query(ctx, `
		SELECT e.id, e.transaction_id, t.kind, a.partner_id, a.kind, e.currency, e.amount::text,
		       coalesce(t.conversion_id, ''), coalesce(t.payout_id, ''), t.memo, e.created_at
		FROM ledger_entries e
		JOIN ledger_transactions t ON t.id = e.transaction_id
		JOIN ledger_accounts a ON a.id = e.account_id
		WHERE e.tenant_id = $1 AND ($2 = '' OR a.partner_id = $2) AND ($3 = '' OR a.kind = $3)
		  AND ($4 = '' OR e.currency = $4) AND ($5 = '' OR t.conversion_id = $5) AND ($6 = '' OR t.payout_id = $6)
		  AND ($7 = 0 OR e.id < $7) AND (NOT $9 OR a.kind IN ('pending', 'hold', 'available', 'in_payout', 'paid', 'reversed', 'carryover'))
		ORDER BY e.id DESC LIMIT $8`,
		tenant, f.PartnerID, string(f.Kind), string(f.Currency), f.ConversionID, f.PayoutID, f.Before, f.Limit, f.PartnerSide)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.EntryView, error) {
		var v ledger.EntryView
		var amt string
		err := r.Scan(&v.ID, &v.TransactionID, &v.Kind, &v.PartnerID, &v.Account, &v.Currency, &amt,
			&v.ConversionID, &v.PayoutID, &v.Memo, &v.CreatedAt)
		if err == nil {
			v.Amount, err = core.ParseDecimal(amt)
		}
		return v, err
	})
}

// SetRate implements ledger.Store.
func (s *LedgerStore) SetRate(ctx context.Context, tenant core.TenantID, r ledger.Rate) error {
	_, err := s.db.q(ctx).Exec(ctx, `
		INSERT INTO fx_rates (tenant_id, day, base, quote, rate, created_by) VALUES ($1, $2, $3, $4, $5::numeric, $6)
		ON CONFLICT (tenant_id, base, quote, day) DO UPDATE SET rate = EXCLUDED.rate, created_by = EXCLUDED.created_by, created_at = now()`,
		tenant, r.Day, r.Base, r.Quote, r.Rate, r.CreatedBy)
	return translate(err, "fx rate")
}

// Rate implements ledger.Store.
func (s *LedgerStore) Rate(ctx context.Context, tenant core.TenantID, base, quote core.Currency, day time.Time) (ledger.Rate, error) {
	rows, err := s.db.q(ctx).Query(ctx, `
		SELECT day, base, quote, rate::text, created_by FROM fx_rates
		WHERE tenant_id = $1 AND base = $2 AND quote = $3 AND day <= $4 ORDER BY day DESC LIMIT 1`, tenant, base, quote, day)
	if err != nil {
		return ledger.Rate{}, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanRate)
	return r, translate(err, "fx rate")
}

// Rates implements ledger.Store.
func (s *LedgerStore) Rates(ctx context.Context, tenant core.TenantID, f ledger.RateFilter) ([]ledger.Rate, error) {
	rows, err := s.db.q(ctx).Query(ctx, `
		SELECT day, base, quote, rate::text, created_by FROM fx_rates
		WHERE tenant_id = $1 AND ($2 = '' OR base = $2) AND ($3 = '' OR quote = $3)
		  AND ($4::date IS NULL OR day >= $4) AND ($5::date IS NULL OR day <= $5)
		ORDER BY day DESC, base, quote LIMIT 1000`, tenant, string(f.Base), string(f.Quote), nullTime(f.From), nullTime(f.To))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanRate)
}

func scanRate(r pgx.CollectableRow) (ledger.Rate, error) {
	var v ledger.Rate
	err := r.Scan(&v.Day, &v.Base, &v.Quote, &v.Rate, &v.CreatedBy)
	v.Day = v.Day.UTC()
	return v, err
}
