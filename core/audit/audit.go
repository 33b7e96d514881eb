// Package audit is the append-only log of state changes: who (actor), in
// which tenant, did what (action) to what (target), when, from which IP, with
// a summary of what changed. Owners and admins query it.
package audit

import (
	"context"
	"log/slog"
	"time"

	"github.com/affcore/affcore/core"
)

// Entry is one audited state change.
type Entry struct {
	ID         int64          `json:"id"`
	TenantID   core.TenantID  `json:"tenant_id"`
	ActorKind  string         `json:"actor_kind"` // user, partner, api_key, anonymous, system
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"` // e.g. offers.create
	TargetType string         `json:"target_type,omitempty"`
	TargetID   string         `json:"target_id,omitempty"`
	IP         string         `json:"ip,omitempty"`
	Summary    map[string]any `json:"summary,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
}

// Filter narrows a listing.
type Filter struct {
	Action  string // prefix, e.g. "offers."
	ActorID string
	Before  int64 // cursor: entries with a smaller id
	Limit   int
}

// Store appends and lists entries; it never updates or deletes.
type Store interface {
	Append(ctx context.Context, e Entry) error
	List(ctx context.Context, tenant core.TenantID, f Filter) ([]Entry, error)
}

// Log records and lists audit entries.
type Log struct {
	store Store
	clock core.Clock
	log   *slog.Logger
}

// NewLog returns a Log.
func NewLog(store Store, clock core.Clock, log *slog.Logger) *Log {
	return &Log{store: store, clock: clock, log: log}
}

// Append records e for tenant. A failure is logged, never returned: the
// change it describes has already happened and must not be reported failed.
func (l *Log) Append(ctx context.Context, tenant core.TenantID, e Entry) {
	e.TenantID = tenant
	if e.CreatedAt.IsZero() {
		e.CreatedAt = l.clock.Now()
	}
	if err := l.store.Append(context.WithoutCancel(ctx), e); err != nil {
		l.log.Error("write audit log", "err", err, "tenant_id", tenant, "action", e.Action)
	}
}

// List returns the tenant's entries, newest first.
func (l *Log) List(ctx context.Context, tenant core.TenantID, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return l.store.List(ctx, tenant, f)
}

// Redact replaces the values of secret-looking keys in a request summary.
func Redact(m map[string]any) map[string]any {
	for k, v := range m {
		switch k {
		case "password", "current_password", "new_password", "secret", "secrets", "token", "invite_token",
			"key", "totp_code", "code", "api_key", "client_secret", "private_key":
			m[k] = "[redacted]"
		default:
			if sub, ok := v.(map[string]any); ok {
				m[k] = Redact(sub)
			}
		}
	}
	return m
}
