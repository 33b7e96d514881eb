package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/postback"
)

// PostbackStore implements postback.Store: postback settings, webhooks,
// signing secrets and the delivery log.
type PostbackStore struct {
	db *DB
}

// NewPostbackStore returns the outgoing postbacks store.
func NewPostbackStore(db *DB) *PostbackStore { return &PostbackStore{db: db} }

// Interface guard.
var _ postback.Store = (*PostbackStore)(nil)

const endpointColumns = `id, tenant_id, kind, coalesce(partner_id, ''), offer_id, description, url, method, format,
	events, sign, enabled, created_at, updated_at`

func scanEndpoint(row pgx.Row) (postback.Endpoint, error) {
	var e postback.Endpoint
	err := row.Scan(&e.ID, &e.TenantID, &e.Kind, &e.PartnerID, &e.OfferID, &e.Description, &e.URL, &e.Method,
		&e.Format, &e.Events, &e.Sign, &e.Enabled, &e.CreatedAt, &e.UpdatedAt)
	return e, err
}

func collectEndpoints(rows pgx.Rows, err error) ([]postback.Endpoint, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (postback.Endpoint, error) { return scanEndpoint(r) })
}

// ownerClause scopes a query to one owner: $2 kind, $3 partner id (” for webhooks).
const ownerClause = `tenant_id = $1 AND kind = $2 AND coalesce(partner_id, '') = $3`

// CreateEndpoint implements postback.EndpointStore.
func (s *PostbackStore) CreateEndpoint(ctx context.Context, e postback.Endpoint) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO postback_endpoints (id, tenant_id, kind, partner_id, offer_id, description,
		url, method, format, events, sign, enabled, created_at, updated_at)
		VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.ID, e.TenantID, e.Kind, e.PartnerID, e.OfferID, e.Description, e.URL, e.Method, e.Format, nonNil(e.Events),
		e.Sign, e.Enabled, e.CreatedAt, e.UpdatedAt)
	if IsUniqueViolation(err, "postback_endpoints_global_key") {
		return core.Errorf(core.KindConflict, "the partner already has a global postback")
	}
	return translate(err, "postback")
}

// UpdateEndpoint implements postback.EndpointStore.
func (s *PostbackStore) UpdateEndpoint(ctx context.Context, e postback.Endpoint) error {
	tag, err := s.db.Pool.Exec(ctx, `UPDATE postback_endpoints SET offer_id = $5, description = $6, url = $7,
		method = $8, format = $9, events = $10, sign = $11, enabled = $12, updated_at = $13
		WHERE `+ownerClause+` AND id = $4`,
		e.TenantID, e.Kind, e.PartnerID, e.ID, e.OfferID, e.Description, e.URL, e.Method, e.Format, nonNil(e.Events),
		e.Sign, e.Enabled, e.UpdatedAt)
	if err == nil && tag.RowsAffected() == 0 {
		return core.Errorf(core.KindNotFound, "postback not found")
	}
	return translate(err, "postback")
}

// DeleteEndpoint implements postback.EndpointStore.
func (s *PostbackStore) DeleteEndpoint(ctx context.Context, tenant core.TenantID, o postback.Owner, id string) error {
	tag, err := s.db.Pool.Exec(ctx, `DELETE FROM postback_endpoints WHERE `+ownerClause+` AND id = $4`,
		tenant, o.Kind, o.PartnerID, id)
	if err == nil && tag.RowsAffected() == 0 {
		return core.Errorf(core.KindNotFound, "postback not found")
	}
	return translate(err, "postback")
}

// Endpoint implements postback.EndpointStore.
func (s *PostbackStore) Endpoint(ctx context.Context, tenant core.TenantID, o postback.Owner, id string) (postback.Endpoint, error) {
	e, err := scanEndpoint(s.db.Pool.QueryRow(ctx, `SELECT `+endpointColumns+` FROM postback_endpoints
		WHERE `+ownerClause+` AND id = $4`, tenant, o.Kind, o.PartnerID, id))
	return e, translate(err, "postback")
}

// GlobalEndpoint implements postback.EndpointStore.
func (s *PostbackStore) GlobalEndpoint(ctx context.Context, tenant core.TenantID, partnerID string) (postback.Endpoint, error) {
	e, err := scanEndpoint(s.db.Pool.QueryRow(ctx, `SELECT `+endpointColumns+` FROM postback_endpoints
		WHERE tenant_id = $1 AND kind = 'partner' AND partner_id = $2 AND offer_id = ''`, tenant, partnerID))
	return e, translate(err, "global postback")
}

// Endpoints implements postback.EndpointStore.
func (s *PostbackStore) Endpoints(ctx context.Context, tenant core.TenantID, o postback.Owner) ([]postback.Endpoint, error) {
	out, err := collectEndpoints(s.db.Pool.Query(ctx, `SELECT `+endpointColumns+` FROM postback_endpoints
		WHERE `+ownerClause+` ORDER BY offer_id <> '', created_at, id`, tenant, o.Kind, o.PartnerID))
	return out, translate(err, "postback")
}

// PartnerExists implements postback.EndpointStore.
func (s *PostbackStore) PartnerExists(ctx context.Context, tenant core.TenantID, partnerID string) error {
	var one int
	err := s.db.Pool.QueryRow(ctx, `SELECT 1 FROM partners WHERE tenant_id = $1 AND id = $2`, tenant, partnerID).Scan(&one)
	return translate(err, "partner")
}

// PartnerEndpoints implements postback.PlanStore: the enabled endpoints of
// many partners in one query.
func (s *PostbackStore) PartnerEndpoints(ctx context.Context, keys []postback.PartnerKey) ([]postback.Endpoint, error) {
	tenants, partners := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		tenants[i], partners[i] = string(k.TenantID), k.PartnerID
	}
	out, err := collectEndpoints(s.db.Pool.Query(ctx, `SELECT `+endpointColumns+` FROM postback_endpoints
		WHERE enabled AND kind = 'partner' AND (tenant_id, partner_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
		tenants, partners))
	if err != nil {
		return nil, fmt.Errorf("partner postbacks: %w", err)
	}
	return out, nil
}

// Webhooks implements postback.PlanStore.
func (s *PostbackStore) Webhooks(ctx context.Context, tenants []core.TenantID) ([]postback.Endpoint, error) {
	ids := make([]string, len(tenants))
	for i, t := range tenants {
		ids[i] = string(t)
	}
	out, err := collectEndpoints(s.db.Pool.Query(ctx, `SELECT `+endpointColumns+` FROM postback_endpoints
		WHERE enabled AND kind = 'webhook' AND tenant_id = ANY($1)`, ids))
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return out, nil
}

// SaveSecret implements postback.SecretStore.
func (s *PostbackStore) SaveSecret(ctx context.Context, tenant core.TenantID, key string, sealed []byte) error {
	_, err := s.db.Pool.Exec(ctx, `INSERT INTO postback_secrets (tenant_id, owner, sealed) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, owner) DO UPDATE SET sealed = EXCLUDED.sealed, created_at = now()`, tenant, key, sealed)
	return translate(err, "signing secret")
}

// Secret implements postback.SecretStore.
func (s *PostbackStore) Secret(ctx context.Context, tenant core.TenantID, key string) ([]byte, error) {
	var sealed []byte
	err := s.db.Pool.QueryRow(ctx, `SELECT sealed FROM postback_secrets WHERE tenant_id = $1 AND owner = $2`,
		tenant, key).Scan(&sealed)
	return sealed, translate(err, "signing secret")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
