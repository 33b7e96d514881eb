package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/audit"
	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/core/mailer"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/core/stats"
	"github.com/affcore/affcore/web"
	"github.com/affcore/affcore/web/ui"
)

// app is the wired product: the services, the HTTP handler, and the
// background workers that run until shutdown.
type app struct {
	handler *web.Server
	workers []func(ctx context.Context)
	closers []func() // after the workers stopped
	money   *money
}

// run starts the workers; the returned wait blocks until all have returned
// after ctx is cancelled, then releases what they used.
func (a *app) run(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, w := range a.workers {
		wg.Go(func() { w(ctx) })
	}
	return func() {
		wg.Wait()
		for _, c := range a.closers {
			c()
		}
	}
}

// newApp builds every service on the given infrastructure. It is shared by
// `affcore serve` and the end-to-end tests.
func newApp(ctx context.Context, cfg Config, in *infra, box *secret.Box, reg *prometheus.Registry, log *slog.Logger) (*app, error) {
	clock := core.SystemClock{}
	a := &app{}

	// Identity and access.
	auditLog := audit.NewLog(postgres.NewAuditStore(in.db), clock, log)
	var mail identity.Mailer
	var outbox *mailer.Outbox
	if cfg.SMTPURL != "" {
		smtpMailer, err := mailer.NewSMTP(cfg.SMTPURL, cfg.SMTPFrom)
		if err != nil {
			return nil, &ConfigError{Setting: "AFFCORE_SMTP_URL", Value: mask(cfg.SMTPURL), Reason: err.Error()}
		}
		mail = smtpMailer
	} else {
		outbox = mailer.NewOutbox(postgres.NewMailStore(in.db), clock, log)
		mail = outbox
	}
	ids := identity.NewService(postgres.NewIdentityStore(in.db), mail, identityAuditor{auditLog}, box, clock,
		identity.Config{BaseURL: cfg.BaseURL, JWTKey: box.DeriveKey("session-jwt"), Argon: cfg.argon}, log)

	// Plugins: registry, wasm host, routing to dedicated hosts. Hooks of the
	// other areas go through plugins.hooks.
	plugins, err := startPlugins(ctx, cfg, in, box, log)
	if err != nil {
		return nil, fmt.Errorf("plugins: %w", err)
	}
	a.closers = append(a.closers, plugins.close)

	// Ledger and payouts: services, the conversion consumer and the money scheduler.
	money := newMoney(in.db, in.bus, commissionHook{hooks: plugins.hooks}, clock, nil, log)
	a.money = money
	a.workers = append(a.workers, func(ctx context.Context) { money.start(ctx, in.bus)() })

	// Tracking: catalogue, click path and ingest, conversions, stats.
	trk, err := newTracking(ctx, cfg, in.db, in.bus, clickScorer{plugins.hooks}, log)
	if err != nil {
		return nil, err
	}
	a.workers = append(a.workers, trk.workers...)
	a.closers = append(a.closers, trk.closers...)
	trk.stats = stats.NewService(postgres.NewStatsStore(in.db), postgres.NewLedgerPayouts(in.db))

	// Outgoing postbacks: planner, delivery workers and retry scheduler. They
	// stop when the other workers do, after HTTP has drained.
	pb, err := startPostbacks(context.WithoutCancel(ctx), cfg, in, box, plugins.hooks, reg, log)
	if err != nil {
		return nil, err
	}
	a.workers = append(a.workers, func(ctx context.Context) { <-ctx.Done(); pb.stop() })

	// Web UI.
	assets, err := ui.New()
	if err != nil {
		return nil, err
	}
	if !assets.Ready() {
		log.Warn("web UI assets not built: pages answer 503; run make build")
	}

	a.handler = web.NewServer(web.Deps{
		Log:      log,
		Registry: reg,
		BaseURL:  cfg.BaseURL,
		Checks: []web.Checker{
			{Name: "postgres", Check: in.pgCheck},
			{Name: "nats", Check: in.bus.Check},
		},
		ClientIP:        web.TrustedClientIP(cfg.TrustedProxies),
		Auth:            ids,
		Identity:        ids,
		Audit:           auditLog,
		Outbox:          outbox,
		SecureCookies:   secureCookies(cfg.BaseURL),
		RateLimitFactor: cfg.rateLimitFactor,
		Ledger:          money.ledger,
		Commission:      money.commission,
		Payouts:         money.payouts,
		UI:              assets,
		Catalog:         trk.catalog,
		Tracker:         trk.tracker,
		Links:           trk.links,
		Conversions:     trk.conversions,
		Stats:           trk.stats,
		Postbacks:       pb.service,
		Plugins:         plugins.svc,
		PluginLogs:      plugins.logs,
	})
	return a, nil
}

// identityAuditor adapts the audit log to identity.Auditor.
type identityAuditor struct{ log *audit.Log }

func (a identityAuditor) Record(ctx context.Context, tenant core.TenantID, e identity.AuditEvent) {
	a.log.Append(ctx, tenant, audit.Entry{ActorKind: e.ActorKind, ActorID: e.ActorID, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, IP: e.IP, Summary: audit.Redact(e.Summary)})
}

// secureCookies is false only for plain-http base URLs on a non-local host,
// where browsers would drop a Secure cookie.
func secureCookies(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "https" {
		return true
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1" || strings.HasSuffix(h, ".localhost")
}
