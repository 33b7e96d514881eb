package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core/delivery"
	"github.com/affcore/affcore/core/outbound"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/hosts"
)

// postbacks is the outgoing postbacks area: the service behind its API
// routes and the delivery workers.
type postbacks struct {
	service *postback.Service
	stop    func() // stops the workers and waits until they have drained
}

// startPostbacks wires the outgoing postbacks: PostgreSQL store, secrets
// sealed with the master key, the postback-format hook (a tenant's plugin,
// else the default format in process), the outbound HTTP client, and the
// planner, worker pool and retry scheduler on the bus. The workers stop when
// ctx is done or stop is called.
func startPostbacks(ctx context.Context, cfg Config, in *infra, box *secret.Box, hooks *hosts.Hooks, reg *prometheus.Registry, log *slog.Logger) (*postbacks, error) {
	log = log.With("component", "postbacks")
	store := postgres.NewPostbackStore(in.db)
	secrets := postback.NewSecrets(store, box)
	policy := postback.Policy{Schedule: cfg.PostbackRetrySchedule, GiveUpAfter: cfg.PostbackGiveUpAfter, Jitter: 0.2}
	client := outbound.NewClient(outbound.Config{AllowPrivate: cfg.AllowPrivateOutbound, Timeout: cfg.PostbackTimeout,
		MaxConnsPerHost: cfg.PostbackConcurrency, UserAgent: "postback-sender/1.0"})
	sender := delivery.NewSender(client, postbackFormat{hooks: hooks}, secrets, cfg.PostbackTimeout)
	svc := postback.NewService(postback.Deps{
		Store: store, Secrets: secrets, Templates: postbackFormat{}, Sender: sender, Policy: policy, Log: log,
		Hosts: func(ctx context.Context, host string) error {
			return outbound.CheckURLHost(ctx, host, cfg.AllowPrivateOutbound)
		},
	})
	wctx, cancel := context.WithCancel(ctx)
	runner, err := delivery.Start(wctx, delivery.Config{Policy: policy, Timeout: cfg.PostbackTimeout,
		PerReceiver: cfg.PostbackConcurrency}, delivery.Deps{JS: in.bus.JS, Store: store, Sender: sender, Log: log, Registry: reg})
	if err != nil {
		cancel()
		return nil, err
	}
	return &postbacks{service: svc, stop: func() { cancel(); runner.Wait() }}, nil
}
