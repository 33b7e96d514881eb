// Package natsbus connects affcore to NATS: an embedded nats-server with
// JetStream (file store under the data directory, no TCP listener unless one
// is configured), or an external server or cluster given by NATS_URL. It
// implements the bus interfaces that core/event declares.
package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Config selects an external NATS (URL) or an embedded server (StoreDir).
type Config struct {
	// URL of an external NATS server or cluster; empty runs an embedded one.
	URL string
	// StoreDir is the embedded JetStream file store (e.g. <data-dir>/nats).
	StoreDir string
	// Listen is an optional host:port on which the embedded server also accepts
	// TCP clients (for `affcore host` processes on other machines).
	Listen string
	// Name identifies this connection in server monitoring.
	Name string
}

// Bus is a NATS connection with JetStream, plus the embedded server if any.
type Bus struct {
	Conn *nats.Conn
	JS   jetstream.JetStream
	srv  *server.Server
	log  *slog.Logger
	// streams caches stream handles (direct reads on the postback path).
	streams sync.Map
}

// Open starts the embedded server (when cfg.URL is empty) and connects.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Bus, error) {
	b := &Bus{log: log}
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) { log.Info("nats reconnected") }),
	}
	url := cfg.URL
	if url == "" {
		srv, err := startEmbedded(cfg, log)
		if err != nil {
			return nil, err
		}
		b.srv = srv
		opts = append(opts, nats.InProcessServer(srv))
	} else {
		opts = append(opts, nats.Timeout(5*time.Second))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		b.shutdownServer()
		return nil, fmt.Errorf("connect to nats %s: %w", url, err)
	}
	b.Conn = nc
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(10*time.Second), jetstream.WithPublishAsyncMaxPending(16384))
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	b.JS = js
	if err := b.checkJetStream(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Bus) checkJetStream(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := b.JS.AccountInfo(ctx); err != nil {
		return fmt.Errorf("nats: JetStream is not available (enable it on the server): %w", err)
	}
	return nil
}

func startEmbedded(cfg Config, log *slog.Logger) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "affcore",
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		DontListen: cfg.Listen == "",
		NoSigs:     true,
		NoLog:      false,
		// JetStream's system account is not needed in process.
		NoSystemAccount: true,
	}
	if cfg.Listen != "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("nats listen address %q: %w", cfg.Listen, err)
		}
		opts.Host = host
		if opts.Port, err = strconv.Atoi(port); err != nil {
			return nil, fmt.Errorf("nats listen port %q: %w", port, err)
		}
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	srv.SetLoggerV2(&slogBridge{log: log.With("component", "nats")}, false, false, false)
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("embedded nats: not ready within 30s (is the store dir writable, or the listen port in use?)")
	}
	return srv, nil
}

// ClientURL returns the embedded server's TCP URL, or "" without a listener.
func (b *Bus) ClientURL() string {
	if b.srv == nil || b.srv.Addr() == nil {
		return ""
	}
	return b.srv.ClientURL()
}

// Check implements a readiness check: the connection is up and JetStream answers.
func (b *Bus) Check(ctx context.Context) error {
	if !b.Conn.IsConnected() {
		return fmt.Errorf("nats: %s", b.Conn.Status())
	}
	if _, err := b.JS.AccountInfo(ctx); err != nil {
		return fmt.Errorf("nats jetstream: %w", err)
	}
	return nil
}

// Close drains the connection (finishing in-flight handlers) and stops the
// embedded server.
func (b *Bus) Close() {
	if b.Conn != nil {
		done := make(chan struct{})
		b.Conn.SetClosedHandler(func(*nats.Conn) { close(done) })
		if err := b.Conn.Drain(); err == nil {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				b.Conn.Close()
			}
		} else {
			b.Conn.Close()
		}
	}
	b.shutdownServer()
}

func (b *Bus) shutdownServer() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
}

// slogBridge sends nats-server logs to slog.
type slogBridge struct{ log *slog.Logger }

func (l *slogBridge) Noticef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *slogBridge) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l *slogBridge) Fatalf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l *slogBridge) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l *slogBridge) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *slogBridge) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
