package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestIdentity_NewUserJourney is the path a new advertiser takes: sign up,
// invite a teammate, create an invite link, register a partner through it,
// log in as each, and see only what each may see.
func TestIdentity_NewUserJourney(t *testing.T) {
	ta := newTestApp(t)
	owner, tenant := ta.advertiser("owner@acme.test")

	// The owner invites an analyst; the invitation arrives by (dev) email.
	ta.must(201, "POST", "/api/v1/team/invites", owner, map[string]string{"email": "ana@acme.test", "role": "analyst"}, nil)
	link, _ := url.Parse(ta.outboxLink("ana@acme.test"))
	var joined struct{ Token string }
	ta.must(201, "POST", "/api/v1/auth/team-accept", "", map[string]string{"token": link.Query().Get("token"), "name": "Ana", "password": "analyst pass 123"}, &joined)
	ta.must(410, "POST", "/api/v1/auth/team-accept", "", map[string]string{"token": link.Query().Get("token"), "name": "Ana", "password": "analyst pass 123"}, nil)

	// The analyst logs in with email and password.
	var login struct{ Token string }
	ta.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": "ana@acme.test", "password": "analyst pass 123"}, &login)
	analyst := login.Token

	// A partner registers through an invite link.
	partner, partnerID := ta.partner(owner, "pat@partner.test")

	var me struct {
		Kind, Role string
		TenantID   string `json:"tenant_id"`
		Scopes     []string
		Program    *struct{ Name string }
	}
	ta.must(200, "GET", "/api/v1/me", analyst, nil, &me)
	if me.Role != "analyst" || me.TenantID != tenant || strings.Contains(strings.Join(me.Scopes, ","), "write") {
		t.Errorf("analyst me = %+v", me)
	}
	ta.must(200, "GET", "/api/v1/me", partner, nil, &me)
	if me.Kind != "partner" || me.Program == nil || len(me.Scopes) != 0 {
		t.Errorf("partner me = %+v", me)
	}

	// Each sees only what it may.
	ta.must(200, "GET", "/api/v1/team", analyst, nil, nil)
	ta.must(403, "POST", "/api/v1/team/invites", analyst, map[string]string{"email": "x@acme.test", "role": "finance"}, nil)
	ta.must(403, "GET", "/api/v1/audit-log", analyst, nil, nil)
	ta.must(403, "POST", "/api/v1/api-keys", analyst, map[string]any{"name": "k", "scopes": []string{"reports:read"}}, nil)
	ta.must(200, "GET", "/api/v1/partners/"+partnerID, analyst, nil, nil)
	ta.must(403, "PUT", "/api/v1/partners/"+partnerID, analyst, map[string]string{"name": "x"}, nil)
	ta.must(403, "GET", "/api/v1/team", partner, nil, nil)
	ta.must(403, "GET", "/api/v1/partners", partner, nil, nil)

	var team struct {
		Members []struct{ Email, Role string }
	}
	ta.must(200, "GET", "/api/v1/team", owner, nil, &team)
	if len(team.Members) != 2 || team.Members[0].Role != "owner" {
		t.Errorf("team = %+v", team)
	}
	var log struct{ Items []struct{ Action string } }
	ta.must(200, "GET", "/api/v1/audit-log", owner, nil, &log)
	actions := []string{}
	for _, e := range log.Items {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"auth.signup", "team.invites.create", "team.join", "partners.invites.create", "partner.signup", "auth.login"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit log lacks %s: %v", want, actions)
		}
	}
}

func TestIdentity_SignupBadInput(t *testing.T) {
	ta := newTestApp(t)
	ta.advertiser("taken@acme.test")
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"malformed", `{"email":`, 400, `"field":"body"`},
		{"unknown-field", `{"email":"a@b.test","password":"a long enough pass","company":"X","admin":true}`, 400, `"field":"admin"`},
		{"missing-company", `{"email":"a@b.test","password":"a long enough pass"}`, 400, `"field":"company"`},
		{"bad-email", `{"email":"not-an-email","password":"a long enough pass","company":"X"}`, 400, `"field":"email"`},
		{"short-password", `{"email":"a@b.test","password":"short","company":"X"}`, 400, `"field":"password"`},
		{"common-password", `{"email":"a@b.test","password":"password123","company":"X"}`, 400, "too common"},
		{"email-as-password", `{"email":"alice@b.test","password":"alice@b.test","company":"X"}`, 400, "must not be your email"},
		{"bad-plan", `{"email":"a@b.test","password":"a long enough pass","company":"X","plan":"gold"}`, 400, `"field":"plan"`},
		{"wrong-type", `{"email":"a@b.test","password":12345678,"company":"X"}`, 400, `"field":"password"`},
		{"duplicate", `{"email":"TAKEN@acme.test","password":"a long enough pass","company":"X"}`, 409, `"field":"email"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/auth/signup", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b := make([]byte, 4096)
			n, _ := res.Body.Read(b)
			if res.StatusCode != tc.status || !strings.Contains(string(b[:n]), tc.field) || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s) body %s; want %d naming %s", res.StatusCode, res.Header.Get("Content-Type"), b[:n], tc.status, tc.field)
			}
		})
	}
	// Nothing half-created: the failed sign-ups left no tenant behind.
	var n int
	if err := ta.in.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM tenants`).Scan(&n); err != nil || n != 1 {
		t.Errorf("tenants after failed sign-ups = %d, %v; want 1", n, err)
	}
}

func TestIdentity_PartnerInvites(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@one.test")
	owner2, _ := ta.advertiser("owner@two.test")
	signup := func(token, email string) (int, []byte) {
		return ta.call("POST", "/api/v1/auth/partner-signup", "", map[string]string{"invite_token": token, "email": email, "password": "a long enough pass", "name": "P"})
	}
	var single, capped, bound, expiring struct{ ID, Token string }
	ta.must(201, "POST", "/api/v1/partners/invites", owner, map[string]any{}, &single)
	ta.must(201, "POST", "/api/v1/partners/invites", owner, map[string]any{"max_uses": 2}, &capped)
	ta.must(201, "POST", "/api/v1/partners/invites", owner, map[string]any{"email": "only@p.test"}, &bound)
	ta.must(201, "POST", "/api/v1/partners/invites", owner, map[string]any{"expires_at": time.Now().Add(time.Hour)}, &expiring)
	ta.must(400, "POST", "/api/v1/partners/invites", owner, map[string]any{"expires_at": time.Now().Add(-time.Hour)}, nil)

	if st, b := signup(single.Token, "a@p.test"); st != 201 {
		t.Fatalf("single-use: %d %s", st, b)
	}
	if st, _ := signup(single.Token, "b@p.test"); st != 410 {
		t.Errorf("single-use invite reused: %d; want 410", st)
	}
	for i, email := range []string{"c@p.test", "d@p.test", "e@p.test"} {
		want := map[bool]int{true: 201, false: 410}[i < 2]
		if st, _ := signup(capped.Token, email); st != want {
			t.Errorf("capped invite use %d: %d; want %d", i+1, st, want)
		}
	}
	if st, b := signup(bound.Token, "other@p.test"); st != 400 || !strings.Contains(string(b), `"field":"email"`) {
		t.Errorf("bound invite with another email: %d %s", st, b)
	}
	ta.must(204, "DELETE", "/api/v1/partners/invites/"+expiring.ID, owner, nil, nil)
	if st, _ := signup(expiring.Token, "f@p.test"); st != 410 {
		t.Errorf("revoked invite: %d; want 410", st)
	}
	if st, _ := signup("forged-token", "g@p.test"); st != 404 {
		t.Errorf("forged invite: %d; want 404", st)
	}
	// Another tenant cannot revoke this tenant's invite.
	ta.must(404, "DELETE", "/api/v1/partners/invites/"+capped.ID, owner2, nil, nil)

	// The same email is a partner of two programs as two identities.
	var inv2 struct{ Token string }
	ta.must(201, "POST", "/api/v1/partners/invites", owner2, map[string]any{}, &inv2)
	if st, b := signup(inv2.Token, "a@p.test"); st != 201 {
		t.Fatalf("same email in a second program: %d %s", st, b)
	}
	var me1, me2 struct{ Slug string }
	var meRes struct{ Program struct{ Slug string } }
	ta.must(200, "GET", "/api/v1/me", owner, nil, &struct{}{})
	var t1, t2 struct{ Tenant struct{ Slug string } }
	ta.must(200, "GET", "/api/v1/me", owner, nil, &t1)
	ta.must(200, "GET", "/api/v1/me", owner2, nil, &t2)
	var l1, l2 struct{ Token string }
	ta.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": "a@p.test", "password": "a long enough pass", "tenant": t1.Tenant.Slug}, &l1)
	ta.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": "a@p.test", "password": "a long enough pass", "tenant": t2.Tenant.Slug}, &l2)
	ta.must(200, "GET", "/api/v1/me", l1.Token, nil, &meRes)
	me1.Slug = meRes.Program.Slug
	ta.must(200, "GET", "/api/v1/me", l2.Token, nil, &meRes)
	me2.Slug = meRes.Program.Slug
	if me1.Slug != t1.Tenant.Slug || me2.Slug != t2.Tenant.Slug {
		t.Errorf("partner identities mixed up: %s/%s vs %s/%s", me1.Slug, me2.Slug, t1.Tenant.Slug, t2.Tenant.Slug)
	}
	// Without a program a partner cannot log in (partners log in on their program's portal).
	ta.must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": "a@p.test", "password": "a long enough pass"}, nil)
}

func TestIdentity_SessionsAndPasswords(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@s.test")
	// The login answer sets a hardened cookie.
	req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/auth/login", strings.NewReader(`{"email":"owner@s.test","password":"a long enough pass"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"session=", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, want)
		}
	}
	sessionCookie := strings.SplitN(cookie, ";", 2)[0]

	// A cookie-authenticated write from another origin is refused (CSRF).
	cross, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/partners/invites", strings.NewReader(`{}`))
	cross.Header.Set("Cookie", sessionCookie)
	cross.Header.Set("Content-Type", "application/json")
	cross.Header.Set("Origin", "https://evil.test")
	if res, _ := http.DefaultClient.Do(cross); res.StatusCode != 403 {
		t.Errorf("cross-site cookie write: %d; want 403", res.StatusCode)
	}
	same, _ := http.NewRequest("GET", ta.srv.URL+"/api/v1/me", nil)
	same.Header.Set("Cookie", sessionCookie)
	if res, _ := http.DefaultClient.Do(same); res.StatusCode != 200 {
		t.Errorf("cookie read: %d; want 200", res.StatusCode)
	}

	// Password change revokes every session and returns a fresh token.
	ta.must(400, "POST", "/api/v1/auth/password", owner, map[string]string{"current_password": "wrong", "new_password": "brand new pass 1"}, nil)
	var changed struct{ Token string }
	ta.must(200, "POST", "/api/v1/auth/password", owner, map[string]string{"current_password": "a long enough pass", "new_password": "brand new pass 1"}, &changed)
	ta.must(401, "GET", "/api/v1/me", owner, nil, nil)
	ta.must(200, "GET", "/api/v1/me", changed.Token, nil, nil)
	ta.must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": "owner@s.test", "password": "a long enough pass"}, nil)

	// Logout revokes the session.
	ta.must(204, "POST", "/api/v1/auth/logout", changed.Token, nil, nil)
	ta.must(401, "GET", "/api/v1/me", changed.Token, nil, nil)

	// Password reset by emailed link, valid once.
	ta.must(202, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "owner@s.test"}, nil)
	ta.must(202, "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "nobody@s.test"}, nil)
	link, _ := url.Parse(ta.outboxLink("owner@s.test"))
	tok := link.Query().Get("token")
	ta.must(400, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "password": "qwerty123"}, nil)
	ta.must(204, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "password": "after reset pass"}, nil)
	ta.must(410, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "password": "after reset pass 2"}, nil)
	ta.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": "owner@s.test", "password": "after reset pass"}, nil)
}

func TestIdentity_LockoutAfterFailures(t *testing.T) {
	ta := newTestApp(t)
	ta.advertiser("owner@lock.test")
	for i := 0; i < 4; i++ {
		ta.must(401, "POST", "/api/v1/auth/login", "", map[string]string{"email": "owner@lock.test", "password": "wrong password"}, nil)
	}
	ta.must(429, "POST", "/api/v1/auth/login", "", map[string]string{"email": "owner@lock.test", "password": "wrong password"}, nil)
	// Locked: even the right password waits.
	ta.must(429, "POST", "/api/v1/auth/login", "", map[string]string{"email": "owner@lock.test", "password": "a long enough pass"}, nil)
}

func TestIdentity_TwoFactor(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@2fa.test")
	var setup struct {
		Secret     string
		OTPAuthURL string `json:"otpauth_url"`
		QRCode     string `json:"qr_code"`
	}
	ta.must(200, "POST", "/api/v1/me/2fa/setup", owner, nil, &setup)
	if !strings.HasPrefix(setup.OTPAuthURL, "otpauth://totp/") || !strings.HasPrefix(setup.QRCode, "data:image/png;base64,") {
		t.Fatalf("setup = %+v", setup)
	}
	b := ta.must(400, "POST", "/api/v1/me/2fa/enable", owner, map[string]string{"code": "000000"}, nil)
	if !strings.Contains(string(b), `"field":"totp_code"`) {
		t.Errorf("wrong code answer does not name the field: %s", b)
	}
	code, _ := totp.GenerateCode(setup.Secret, time.Now())
	var enabled struct {
		BackupCodes []string `json:"backup_codes"`
	}
	ta.must(200, "POST", "/api/v1/me/2fa/enable", owner, map[string]string{"code": code}, &enabled)
	if len(enabled.BackupCodes) != 10 {
		t.Fatalf("backup codes = %v", enabled.BackupCodes)
	}
	creds := map[string]string{"email": "owner@2fa.test", "password": "a long enough pass"}
	b = ta.must(200, "POST", "/api/v1/auth/login", "", creds, nil)
	if !strings.Contains(string(b), `"mfa_required":true`) || strings.Contains(string(b), "token") {
		t.Fatalf("login without code: %s", b)
	}
	creds["totp_code"] = "123456"
	ta.must(400, "POST", "/api/v1/auth/login", "", creds, nil)
	creds["totp_code"], _ = totp.GenerateCode(setup.Secret, time.Now())
	ta.must(200, "POST", "/api/v1/auth/login", "", creds, nil)
	creds["totp_code"] = enabled.BackupCodes[0]
	ta.must(200, "POST", "/api/v1/auth/login", "", creds, nil)
	ta.must(400, "POST", "/api/v1/auth/login", "", creds, nil) // a backup code works once

	// The owner requires 2FA: a member without it can only set it up.
	ta.must(200, "PUT", "/api/v1/tenant", owner, map[string]any{"require_2fa": true}, nil)
	ta.must(201, "POST", "/api/v1/team/invites", owner, map[string]string{"email": "m@2fa.test", "role": "manager"}, nil)
	link, _ := url.Parse(ta.outboxLink("m@2fa.test"))
	ta.must(201, "POST", "/api/v1/auth/team-accept", "", map[string]string{"token": link.Query().Get("token"), "password": "manager pass 12"}, nil)
	var login struct {
		Token            string
		MFASetupRequired bool `json:"mfa_setup_required"`
	}
	ta.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"email": "m@2fa.test", "password": "manager pass 12"}, &login)
	if !login.MFASetupRequired {
		t.Error("login did not say 2FA set-up is required")
	}
	ta.must(403, "GET", "/api/v1/partners", login.Token, nil, nil)
	ta.must(200, "POST", "/api/v1/me/2fa/setup", login.Token, nil, &setup)
	code, _ = totp.GenerateCode(setup.Secret, time.Now())
	ta.must(200, "POST", "/api/v1/me/2fa/enable", login.Token, map[string]string{"code": code}, nil)
	ta.must(200, "GET", "/api/v1/partners", login.Token, nil, nil)
}

func TestIdentity_APIKeys(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@keys.test")
	var key struct {
		ID, Key, Prefix string
		Scopes          []string
	}
	ta.must(201, "POST", "/api/v1/api-keys", owner, map[string]any{"name": "reports", "scopes": []string{"reports:read", "partners:read"}}, &key)
	if !strings.HasPrefix(key.Key, "ak_live_") || len(key.Key) != 40 || !strings.HasPrefix(key.Key, key.Prefix) {
		t.Fatalf("key = %+v", key)
	}
	b := ta.must(200, "GET", "/api/v1/api-keys", owner, nil, nil)
	if strings.Contains(string(b), key.Key) {
		t.Fatal("key listed after creation")
	}
	var stored []byte
	if err := ta.in.db.Pool.QueryRow(t.Context(), `SELECT key_hash FROM api_keys WHERE id = $1`, key.ID).Scan(&stored); err != nil || strings.Contains(string(stored), key.Key) {
		t.Fatalf("key stored in clear or missing: %v", err)
	}
	ta.must(200, "GET", "/api/v1/partners", key.Key, nil, nil)
	ta.must(403, "PUT", "/api/v1/tenant", key.Key, map[string]any{"name": "x"}, nil)
	ta.must(403, "POST", "/api/v1/api-keys", key.Key, map[string]any{"name": "k2", "scopes": []string{"reports:read"}}, nil)
	b = ta.must(200, "GET", "/api/v1/api-keys", owner, nil, nil)
	if !strings.Contains(string(b), `"last_used_ip":"127.0.0.1"`) {
		t.Errorf("last use not recorded: %s", b)
	}
	var test struct{ Key string }
	ta.must(201, "POST", "/api/v1/api-keys", owner, map[string]any{"name": "t", "scopes": []string{"reports:read"}, "test": true}, &test)
	if !strings.HasPrefix(test.Key, "ak_test_") {
		t.Errorf("test key = %s", test.Key)
	}
	ta.must(400, "POST", "/api/v1/api-keys", owner, map[string]any{"name": "x", "scopes": []string{"root:all"}}, nil)
	ta.must(400, "POST", "/api/v1/api-keys", owner, map[string]any{"name": "x", "scopes": []string{"reports:read"}, "expires_at": time.Now().Add(-time.Minute)}, nil)
	ta.must(204, "DELETE", "/api/v1/api-keys/"+key.ID, owner, nil, nil)
	ta.must(401, "GET", "/api/v1/partners", key.Key, nil, nil)

	// A key never exceeds its creator's role: a manager cannot grant payouts:write.
	ta.must(201, "POST", "/api/v1/team/invites", owner, map[string]string{"email": "mgr@keys.test", "role": "manager"}, nil)
	link, _ := url.Parse(ta.outboxLink("mgr@keys.test"))
	var mgr struct{ Token string }
	ta.must(201, "POST", "/api/v1/auth/team-accept", "", map[string]string{"token": link.Query().Get("token"), "password": "manager pass 12"}, &mgr)
	b = ta.must(400, "POST", "/api/v1/api-keys", mgr.Token, map[string]any{"name": "x", "scopes": []string{"payouts:write"}}, nil)
	if !strings.Contains(string(b), "exceeds your role") {
		t.Errorf("scope above role: %s", b)
	}

	// The Starter plan has no API access.
	var out struct{ Token string }
	ta.must(201, "POST", "/api/v1/auth/signup", "", map[string]string{"email": "s@starter.test", "password": "a long enough pass", "company": "S", "plan": "starter"}, &out)
	ta.must(402, "POST", "/api/v1/api-keys", out.Token, map[string]any{"name": "x", "scopes": []string{"reports:read"}}, nil)
}
