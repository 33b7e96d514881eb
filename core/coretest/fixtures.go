package coretest

import (
	"context"
	"testing"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/postgres"
)

// Fixture rows for tests of areas that need a tenant, a team member or a
// partner to exist without going through sign-up. They insert the minimum;
// identity tests exercise the real flows.

// Tenant inserts a tenant on the professional plan and returns its id.
func Tenant(t testing.TB, db *postgres.DB) core.TenantID {
	t.Helper()
	id := core.NewID("ten")
	_, err := db.Pool.Exec(context.Background(),
		`INSERT INTO tenants (id, name, slug, plan, status, postback_token) VALUES ($1, $2, $3, 'professional', 'active', $4)`,
		id, "Tenant "+id[len(id)-6:], "t-"+id[len(id)-10:], core.NewID("pbt"))
	if err != nil {
		t.Fatalf("fixture tenant: %v", err)
	}
	return core.TenantID(id)
}

// User inserts a team member with the given role and returns its id. The
// password hash is not a valid hash: fixture users cannot log in.
func User(t testing.TB, db *postgres.DB, tenant core.TenantID, role string) string {
	t.Helper()
	id := core.NewID("usr")
	_, err := db.Pool.Exec(context.Background(),
		`INSERT INTO users (id, tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, 'fixture')`,
		id, tenant, id+"@example.test", "User "+id[len(id)-4:], role)
	if err != nil {
		t.Fatalf("fixture user: %v", err)
	}
	return id
}

// Partner inserts an active partner of tenant and returns its id.
func Partner(t testing.TB, db *postgres.DB, tenant core.TenantID) string {
	t.Helper()
	id := core.NewID("prt")
	_, err := db.Pool.Exec(context.Background(),
		`INSERT INTO partners (id, tenant_id, email, name, password_hash) VALUES ($1, $2, $3, $4, 'fixture')`,
		id, tenant, id+"@example.test", "Partner "+id[len(id)-4:])
	if err != nil {
		t.Fatalf("fixture partner: %v", err)
	}
	return id
}
