package identity_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
)

func TestMain(m *testing.M) { coretest.Main(m) }

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type mailbox struct {
	mu   sync.Mutex
	mail []identity.Mail
}

func (m *mailbox) Send(_ context.Context, msg identity.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mail = append(m.mail, msg)
	return nil
}

func (m *mailbox) lastLinkTo(to string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.mail) - 1; i >= 0; i-- {
		if m.mail[i].To == to {
			for _, f := range strings.Fields(m.mail[i].Body) {
				if strings.HasPrefix(f, "http") {
					return f
				}
			}
		}
	}
	return ""
}

type noAudit struct{}

func (noAudit) Record(context.Context, core.TenantID, identity.AuditEvent) {}

func newService(t *testing.T) (*identity.Service, *clock, *mailbox, *postgres.DB) {
	t.Helper()
	db := coretest.DB(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	box, _ := secret.NewBox(key)
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	mb := &mailbox{}
	svc := identity.NewService(postgres.NewIdentityStore(db), mb, noAudit{}, box, c,
		identity.Config{BaseURL: "https://aff.example", JWTKey: box.DeriveKey("jwt"), Argon: identity.ArgonParams{Memory: 1024, Time: 1, Threads: 1}},
		coretest.Logger())
	return svc, c, mb, db
}

func TestService_TokenExpiryAndRefresh(t *testing.T) {
	svc, c, _, _ := newService(t)
	ctx := context.Background()
	res, err := svc.Signup(ctx, identity.SignupInput{Email: "o@x.test", Password: "a long enough pass", Company: "X"}, identity.LoginMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, res.Token, ""); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	c.Add(16 * time.Minute) // past the 15-minute token lifetime
	if _, err := svc.Authenticate(ctx, res.Token, ""); core.KindOf(err) != core.KindUnauthorized {
		t.Fatalf("expired token accepted: %v", err)
	}
	fresh, p, err := svc.Refresh(ctx, res.Token, "")
	if err != nil || p.TenantID != res.TenantID {
		t.Fatalf("refresh: %v %+v", err, p)
	}
	if _, err := svc.Authenticate(ctx, fresh, ""); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}
	c.Add(8 * 24 * time.Hour) // idle beyond 7 days
	if _, _, err := svc.Refresh(ctx, fresh, ""); core.KindOf(err) != core.KindUnauthorized {
		t.Fatalf("refresh after a week idle: %v", err)
	}
	if _, _, err := svc.Refresh(ctx, "not.a.jwt", ""); core.KindOf(err) != core.KindUnauthorized {
		t.Fatalf("refresh of garbage: %v", err)
	}
}

func TestService_ResetLinkValidOneHour(t *testing.T) {
	svc, c, mb, _ := newService(t)
	ctx := context.Background()
	if _, err := svc.Signup(ctx, identity.SignupInput{Email: "o@x.test", Password: "a long enough pass", Company: "X"}, identity.LoginMeta{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestPasswordReset(ctx, "o@x.test", "", ""); err != nil {
		t.Fatal(err)
	}
	link := mb.lastLinkTo("o@x.test")
	token := link[strings.Index(link, "token=")+6:]
	c.Add(61 * time.Minute)
	if err := svc.ResetPassword(ctx, token, "a fresh password", ""); core.KindOf(err) != core.KindGone {
		t.Fatalf("reset after an hour: %v; want gone", err)
	}
}

func TestService_LockoutExpires(t *testing.T) {
	svc, c, _, _ := newService(t)
	ctx := context.Background()
	if _, err := svc.Signup(ctx, identity.SignupInput{Email: "o@x.test", Password: "a long enough pass", Company: "X"}, identity.LoginMeta{}); err != nil {
		t.Fatal(err)
	}
	bad := identity.LoginInput{Email: "o@x.test", Password: "wrong"}
	for range 5 {
		_, _ = svc.Login(ctx, bad, identity.LoginMeta{})
	}
	good := identity.LoginInput{Email: "o@x.test", Password: "a long enough pass"}
	if _, err := svc.Login(ctx, good, identity.LoginMeta{}); core.KindOf(err) != core.KindRateLimited {
		t.Fatalf("login while locked: %v", err)
	}
	c.Add(16 * time.Minute)
	if _, err := svc.Login(ctx, good, identity.LoginMeta{}); err != nil {
		t.Fatalf("login after the lockout: %v", err)
	}
}

func TestService_TrialAndPlans(t *testing.T) {
	svc, c, _, _ := newService(t)
	ctx := context.Background()
	res, err := svc.Signup(ctx, identity.SignupInput{Email: "o@x.test", Password: "a long enough pass", Company: "X", Plan: "enterprise"}, identity.LoginMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if want := c.Now().AddDate(0, 0, 30); !res.TrialEndsAt.Equal(want) {
		t.Errorf("trial ends %v; want %v", res.TrialEndsAt, want)
	}
	if err := svc.Entitled(ctx, res.TenantID, identity.FeatureDedicatedHost); err != nil {
		t.Errorf("enterprise trial lacks dedicated host: %v", err)
	}
	c.Add(31 * 24 * time.Hour)
	if err := svc.Entitled(ctx, res.TenantID, identity.FeatureAPIKeys); core.KindOf(err) != core.KindPayment {
		t.Errorf("after the trial: %v; want plan_required", err)
	}
	s2, err := svc.Signup(ctx, identity.SignupInput{Email: "s@x.test", Password: "a long enough pass", Company: "S", Plan: "starter"}, identity.LoginMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Entitled(ctx, s2.TenantID, identity.FeatureAPIKeys); core.KindOf(err) != core.KindPayment {
		t.Errorf("starter has API keys: %v", err)
	}
}

// TestService_InviteCapUnderConcurrency: a capped invite is never overused,
// even when many partners register through it at once.
func TestService_InviteCapUnderConcurrency(t *testing.T) {
	svc, _, _, db := newService(t)
	ctx := context.Background()
	res, _ := svc.Signup(ctx, identity.SignupInput{Email: "o@x.test", Password: "a long enough pass", Company: "X"}, identity.LoginMeta{})
	p, _ := svc.Authenticate(ctx, res.Token, "")
	inv, err := svc.CreatePartnerInvite(ctx, res.TenantID, p, identity.InviteInput{MaxUses: 3})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			_, _, _ = svc.PartnerSignup(ctx, identity.PartnerSignupInput{InviteToken: inv.Token,
				Email: "p" + string(rune('a'+i)) + "@x.test", Password: "a long enough pass", Name: "P"}, identity.LoginMeta{})
		})
	}
	wg.Wait()
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM partners WHERE tenant_id = $1`, res.TenantID).Scan(&n); err != nil || n != 3 {
		t.Fatalf("partners registered through a 3-use invite: %d (%v)", n, err)
	}
}

func TestAuditLog_AppendOnly(t *testing.T) {
	db := coretest.DB(t)
	tenant := coretest.Tenant(t, db)
	ctx := context.Background()
	if _, err := db.Pool.Exec(ctx, `INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action) VALUES ($1, 'user', 'u', 'x')`, tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE audit_log SET action = 'y'`); err == nil {
		t.Error("audit_log accepted an UPDATE")
	}
	if _, err := db.Pool.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("audit_log accepted a DELETE")
	}
}
