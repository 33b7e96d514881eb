// Package deliverytest builds real outgoing-postback services for tests of
// other packages (the HTTP API): PostgreSQL store, sealed secrets, the
// default postback-format plugin in process and the outbound HTTP client.
package deliverytest

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/delivery"
	"github.com/affcore/affcore/core/outbound"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/secret"
	"github.com/affcore/affcore/plugins/postback/format"
)

// Formatter runs the default postback-format plugin in process, the way the
// affcore binary wires it (root package postback_format.go).
type Formatter struct{}

// Format implements delivery.Formatter.
func (Formatter) Format(_ context.Context, in delivery.FormatInput) (delivery.Request, error) {
	r, err := format.Format(format.Input{Settings: format.Settings{URL: in.URL, Method: in.Method, Format: in.Format},
		Values: in.Values, IdempotencyID: in.IdempotencyID, Secret: in.Secret, Timestamp: in.Timestamp})
	out := delivery.Request{Method: r.Method, URL: r.URL, Body: r.Body}
	for _, h := range r.Headers {
		out.Headers = append(out.Headers, [2]string{h.Name, h.Value})
	}
	return out, err
}

// CheckTemplate implements postback.TemplateChecker.
func (Formatter) CheckTemplate(url, method, f string, macros []string) error {
	err := format.Check(format.Settings{URL: url, Method: method, Format: f}, macros)
	var fe *format.FieldError
	if errors.As(err, &fe) {
		return core.Invalid(fe.Field, fe.Message)
	}
	return err
}

// Service returns a postback service over db whose sender reaches loopback
// receivers only when allowPrivate is set (as AFFCORE_ALLOW_PRIVATE_OUTBOUND).
// Each attempt is bounded by timeout.
func Service(t testing.TB, db *postgres.DB, allowPrivate bool, policy postback.Policy, timeout time.Duration) (*postback.Service, *delivery.Sender) {
	t.Helper()
	store := postgres.NewPostbackStore(db)
	key := make([]byte, secret.KeySize)
	_, _ = rand.Read(key)
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	secrets := postback.NewSecrets(store, box)
	client := outbound.NewClient(outbound.Config{AllowPrivate: allowPrivate, Timeout: timeout, MaxConnsPerHost: 32})
	sender := delivery.NewSender(client, Formatter{}, secrets, timeout)
	svc := postback.NewService(postback.Deps{Store: store, Secrets: secrets, Templates: Formatter{},
		Hosts:  func(ctx context.Context, h string) error { return outbound.CheckURLHost(ctx, h, allowPrivate) },
		Sender: sender, Policy: policy, Log: coretest.Logger()})
	return svc, sender
}
