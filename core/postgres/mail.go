package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/core/mailer"
)

// MailStore implements mailer.OutboxStore.
type MailStore struct{ db *DB }

// NewMailStore returns the dev-outbox store.
func NewMailStore(db *DB) *MailStore { return &MailStore{db: db} }

// InsertMail stores a message of the dev outbox.
func (s *MailStore) InsertMail(ctx context.Context, id string, m identity.Mail, at time.Time) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO mail_outbox (id, tenant_id, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, nullString(string(m.TenantID)), m.To, m.Subject, m.Body, at)
	return err
}

// ListMail lists the newest messages.
func (s *MailStore) ListMail(ctx context.Context, limit int) ([]mailer.OutboxMail, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT id, recipient, subject, body, created_at FROM mail_outbox ORDER BY created_at DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[mailer.OutboxMail])
}
