package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/audit"
)

// AuditStore implements audit.Store.
type AuditStore struct{ db *DB }

// NewAuditStore returns the audit store.
func NewAuditStore(db *DB) *AuditStore { return &AuditStore{db: db} }

var _ audit.Store = (*AuditStore)(nil)

// Append inserts an entry (the table refuses updates and deletes).
func (s *AuditStore) Append(ctx context.Context, e audit.Entry) error {
	summary, err := json.Marshal(e.Summary)
	if err != nil || e.Summary == nil {
		summary = []byte("{}")
	}
	_, err = s.db.Pool.Exec(ctx, `INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, target_type, target_id, ip, summary, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.TenantID, e.ActorKind, e.ActorID, e.Action, e.TargetType, e.TargetID, e.IP, summary, e.CreatedAt)
	return err
}

// List returns entries of the tenant, newest first.
func (s *AuditStore) List(ctx context.Context, tenant core.TenantID, f audit.Filter) ([]audit.Entry, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT id, tenant_id, actor_kind, actor_id, action, target_type, target_id, ip, summary, created_at
		FROM audit_log WHERE tenant_id = $1 AND ($2 = '' OR action LIKE $2 || '%') AND ($3 = '' OR actor_id = $3)
		AND ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $5`, tenant, f.Action, f.ActorID, f.Before, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Entry, error) {
		var e audit.Entry
		var summary []byte
		if err := r.Scan(&e.ID, &e.TenantID, &e.ActorKind, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID, &e.IP, &summary, &e.CreatedAt); err != nil {
			return e, err
		}
		return e, json.Unmarshal(summary, &e.Summary)
	})
}
