// Package mailer sends affcore's email: through an SMTP server when one is
// configured, otherwise into the dev outbox (a table, the log, and a local
// page), so sign-up, invitations and resets work on a fresh machine.
package mailer

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/identity"
)

// OutboxStore keeps messages of the dev outbox.
type OutboxStore interface {
	InsertMail(ctx context.Context, id string, m identity.Mail, at time.Time) error
	ListMail(ctx context.Context, limit int) ([]OutboxMail, error)
}

// OutboxMail is a stored message.
type OutboxMail struct {
	ID        string    `json:"id"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Outbox is the dev mailer: messages are stored and logged, never sent.
type Outbox struct {
	store OutboxStore
	clock core.Clock
	log   *slog.Logger
}

// NewOutbox returns the dev outbox.
func NewOutbox(store OutboxStore, clock core.Clock, log *slog.Logger) *Outbox {
	return &Outbox{store: store, clock: clock, log: log}
}

// Send stores and logs m.
func (o *Outbox) Send(ctx context.Context, m identity.Mail) error {
	if err := o.store.InsertMail(ctx, core.NewID("mail"), m, o.clock.Now()); err != nil {
		return fmt.Errorf("dev outbox: %w", err)
	}
	o.log.Info("dev outbox: email not sent (no SMTP configured)", "to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// Recent lists the newest stored messages.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]OutboxMail, error) {
	return o.store.ListMail(ctx, limit)
}

// SMTP sends through an SMTP server (STARTTLS when offered, or implicit TLS on port 465).
type SMTP struct {
	addr, host, from string
	auth             smtp.Auth
}

// NewSMTP parses smtp[s]://user:pass@host:port and the From address.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("want smtp://user:password@host:port")
	}
	if _, err := mail(from); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"smtp": "587", "smtps": "465"}[u.Scheme]
	}
	s := &SMTP{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), from: from}
	if pw, ok := u.User.Password(); ok {
		s.auth = smtp.PlainAuth("", u.User.Username(), pw, u.Hostname())
	}
	return s, nil
}

func mail(addr string) (string, error) {
	if !strings.Contains(addr, "@") || strings.ContainsAny(addr, "\r\n<>") {
		return "", fmt.Errorf("%q is not an email address", addr)
	}
	return addr, nil
}

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m identity.Mail) error {
	if _, err := mail(m.To); err != nil {
		return err
	}
	from := s.from
	if m.FromName != "" {
		from = mime.QEncoding.Encode("utf-8", m.FromName) + " <" + s.from + ">"
	}
	msg := "From: " + from + "\r\nTo: " + m.To + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", m.Subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\n\r\n" + strings.ReplaceAll(m.Body, "\n", "\r\n")
	done := make(chan error, 1)
	go func() { done <- s.send(m.To, []byte(msg)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *SMTP) send(to string, msg []byte) error {
	if strings.HasSuffix(s.addr, ":465") {
		conn, err := tls.Dial("tcp", s.addr, &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12})
		if err != nil {
			return fmt.Errorf("smtp: %w", err)
		}
		c, err := smtp.NewClient(conn, s.host)
		if err != nil {
			return fmt.Errorf("smtp: %w", err)
		}
		defer c.Close()
		return sendOn(c, s.auth, s.from, to, msg)
	}
	if err := smtp.SendMail(s.addr, s.auth, s.from, []string{to}, msg); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}

func sendOn(c *smtp.Client, auth smtp.Auth, from, to string, msg []byte) error {
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
