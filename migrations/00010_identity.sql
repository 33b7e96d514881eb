-- +goose Up
-- Tenants (advertiser accounts), their team members, partners (affiliates),
-- invitations, sessions, API keys, password resets and the audit log.

CREATE TABLE tenants (
    id                 text PRIMARY KEY,
    name               text NOT NULL,                      -- the company
    slug               text NOT NULL UNIQUE,               -- partner portal path /p/{slug}
    plan               text NOT NULL CHECK (plan IN ('starter', 'professional', 'enterprise')),
    status             text NOT NULL DEFAULT 'trial' CHECK (status IN ('trial', 'active', 'suspended')),
    trial_ends_at      timestamptz,
    require_2fa        boolean NOT NULL DEFAULT false,
    postback_token     text NOT NULL UNIQUE,               -- authenticates incoming conversion postbacks
    postback_ip_allow  text[] NOT NULL DEFAULT '{}',       -- optional CIDR allow-list for postbacks
    branding           jsonb NOT NULL DEFAULT '{}',        -- partner portal name, logo, colours
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- Advertiser team members. An email is one advertiser account across the platform.
CREATE TABLE users (
    id                  text PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email               text NOT NULL,
    name                text NOT NULL DEFAULT '',
    role                text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'analyst', 'finance')),
    password_hash       text NOT NULL,
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    totp_secret         bytea,                              -- sealed with the master key
    totp_enabled        boolean NOT NULL DEFAULT false,
    backup_codes        text[] NOT NULL DEFAULT '{}',       -- hashes of unused one-time codes
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant_idx ON users (tenant_id);

-- Partners (affiliates) belong to one tenant; the same email may be a partner
-- of two tenants as two separate identities.
CREATE TABLE partners (
    id                  text PRIMARY KEY,
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email               text NOT NULL,
    name                text NOT NULL,
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'blocked')),
    password_hash       text NOT NULL,
    totp_secret         bytea,
    totp_enabled        boolean NOT NULL DEFAULT false,
    backup_codes        text[] NOT NULL DEFAULT '{}',
    invite_id           text,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX partners_tenant_email_key ON partners (tenant_id, lower(email));
-- (tenant_id, id) lets other tables reference a partner within its tenant.
CREATE UNIQUE INDEX partners_tenant_id_key ON partners (tenant_id, id);

CREATE TABLE partner_invites (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    email       text,                                        -- optional: only this email may use it
    max_uses    int NOT NULL DEFAULT 1 CHECK (max_uses > 0),
    uses        int NOT NULL DEFAULT 0,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (uses <= max_uses)
);
CREATE INDEX partner_invites_tenant_idx ON partner_invites (tenant_id, created_at DESC);

CREATE TABLE team_invites (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email       text NOT NULL,
    role        text NOT NULL CHECK (role IN ('admin', 'manager', 'analyst', 'finance')),
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX team_invites_tenant_idx ON team_invites (tenant_id, created_at DESC);

-- Sessions back the short-lived JWTs: logout and password change revoke them.
CREATE TABLE sessions (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    subject_kind text NOT NULL CHECK (subject_kind IN ('user', 'partner')),
    subject_id   text NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,                       -- absolute end of the session
    revoked_at   timestamptz
);
CREATE INDEX sessions_subject_idx ON sessions (subject_kind, subject_id) WHERE revoked_at IS NULL;

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_by   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,                              -- shown in lists, e.g. ak_live_3kq9
    key_hash     bytea NOT NULL UNIQUE,
    scopes       text[] NOT NULL,
    test         boolean NOT NULL DEFAULT false,
    expires_at   timestamptz,
    last_used_at timestamptz,
    last_used_ip text,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE password_resets (
    token_hash   bytea PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    subject_kind text NOT NULL CHECK (subject_kind IN ('user', 'partner')),
    subject_id   text NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Failed attempts per key (e.g. login:email, totp:user id) for temporary lockout;
-- kept in PostgreSQL so every node sees the same count.
CREATE TABLE auth_failures (
    key          text PRIMARY KEY,
    failures     int NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);

-- Outgoing email when no SMTP server is configured (the dev outbox).
CREATE TABLE mail_outbox (
    id         text PRIMARY KEY,
    tenant_id  text REFERENCES tenants (id) ON DELETE CASCADE,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Every state change: append-only (a trigger refuses UPDATE and DELETE).
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text NOT NULL,
    actor_kind  text NOT NULL,                               -- user, partner, api_key, system
    actor_id    text NOT NULL,
    action      text NOT NULL,                               -- e.g. offer.create
    target_type text NOT NULL DEFAULT '',
    target_id   text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    summary     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log, mail_outbox, auth_failures, password_resets, api_keys, sessions,
    team_invites, partner_invites, partners, users, tenants;
DROP FUNCTION audit_log_append_only();
