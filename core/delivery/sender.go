package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/outbound"
	"github.com/affcore/affcore/core/postback"
)

// Request is the HTTP request a postback-format plugin returns.
type Request struct {
	Method  string
	URL     string
	Headers [][2]string
	Body    []byte
}

// FormatInput is what a postback-format plugin gets for one attempt.
type FormatInput struct {
	// Tenant owns the receiver; its postback-format plugin, if any, formats.
	Tenant              core.TenantID
	URL, Method, Format string
	Values              map[string]string
	IdempotencyID       string
	Secret              []byte // nil: unsigned
	Timestamp           int64  // Unix seconds, signed with the request
}

// ErrFormatLater is matched (errors.Is) by a Formatter error that may pass
// later (a plugin timing out or restarting): the attempt is then retried on
// the schedule instead of failing for good.
var ErrFormatLater = errors.New("the postback formatter is unavailable for now")

// Formatter is the postback-format hook: it turns one attempt into the HTTP
// request to send. The default is plugins/postback/format, wired in the
// root package; a tenant's WASM plugin can take its place.
type Formatter interface {
	Format(ctx context.Context, in FormatInput) (Request, error)
}

// SecretSource returns a receiver's plaintext signing key (the partner's,
// or the tenant's webhook key when partnerID is "").
type SecretSource interface {
	Secret(ctx context.Context, tenant core.TenantID, partnerID string) ([]byte, error)
}

// Sender makes one attempt: format (signing at send time, so the timestamp
// is fresh on every retry), send through the outbound client, and classify
// the answer. It implements postback.Sender.
type Sender struct {
	client  *http.Client
	format  Formatter
	secrets SecretSource
	timeout time.Duration
}

// NewSender returns a Sender. client should come from outbound.NewClient so
// private addresses are refused at dial time; timeout bounds each attempt.
func NewSender(client *http.Client, f Formatter, secrets SecretSource, timeout time.Duration) *Sender {
	return &Sender{client: client, format: f, secrets: secrets, timeout: timeout}
}

// Interface guard.
var _ postback.Sender = (*Sender)(nil)

// bodyDrain bounds how much of a response is read (to reuse the connection).
const bodyDrain = 64 << 10

// Send implements postback.Sender.
func (s *Sender) Send(ctx context.Context, job event.OutgoingPostback) postback.Sent {
	start := time.Now()
	a := postback.Attempt{DeliveryID: job.DeliveryID, Number: job.Attempt, Method: job.Method,
		URL: postback.RedactURL(job.URL), StartedAt: start}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := s.build(ctx, job, start)
	if err != nil {
		a.Error = "cannot build the request: " + err.Error()
		return postback.Sent{Attempt: a, Reason: a.Error, Retryable: errors.Is(err, ErrFormatLater)}
	}
	a.Method, a.URL = req.Method, postback.RedactURL(req.URL.String())
	res, err := s.client.Do(req)
	if err != nil {
		a.Latency = time.Since(start)
		return s.networkFailure(a, ctx.Err() != nil, err)
	}
	defer res.Body.Close()
	a.StatusCode, a.Excerpt = res.StatusCode, readExcerpt(res.Body)
	a.Latency = time.Since(start)
	delivered, retryable := postback.ClassifyStatus(res.StatusCode)
	if delivered {
		return postback.Sent{Attempt: a, Delivered: true}
	}
	a.Error = postback.StatusReason(res.StatusCode, a.Excerpt)
	return postback.Sent{Attempt: a, Retryable: retryable, Reason: a.Error,
		RetryAfter: retryAfter(res.Header.Get("Retry-After"), time.Now())}
}

// build formats the job and makes the *http.Request.
func (s *Sender) build(ctx context.Context, job event.OutgoingPostback, now time.Time) (*http.Request, error) {
	in := FormatInput{Tenant: job.TenantID, URL: job.URL, Method: job.Method, Format: job.Format, Values: job.Values,
		IdempotencyID: job.DeliveryID, Timestamp: now.Unix()}
	if job.Sign {
		partner := ""
		if job.Kind == event.PostbackPartner {
			partner = job.PartnerID
		}
		secret, err := s.secrets.Secret(ctx, job.TenantID, partner)
		if err != nil {
			return nil, errors.New("the signing secret is missing; generate one")
		}
		in.Secret = secret
	}
	r, err := s.format.Format(ctx, in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, errors.New("the formatted request is not valid")
	}
	for _, h := range r.Headers {
		req.Header.Set(h[0], h[1])
	}
	return req, nil
}

// networkFailure classifies a request that got no HTTP answer. Refused
// addresses are final; timeouts and connection errors are retried. The
// message never includes the URL (it may hold the receiver's tokens).
func (s *Sender) networkFailure(a postback.Attempt, timedOut bool, err error) postback.Sent {
	switch {
	case errors.Is(err, outbound.ErrForbiddenAddress):
		a.Error = "refused: the host resolves to a private, loopback or metadata address"
		return postback.Sent{Attempt: a, Reason: a.Error}
	case timedOut || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		a.Error = fmt.Sprintf("timeout after %s", s.timeout)
	default:
		a.Error = innerError(err)
	}
	return postback.Sent{Attempt: a, Retryable: true, Reason: a.Error}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// innerError strips the method and URL that *url.Error adds.
func innerError(err error) string {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		err = ue.Unwrap()
	}
	return postback.Truncate(err.Error(), 300)
}

// readExcerpt reads the first ExcerptLimit bytes of a body as valid UTF-8
// and drains a bounded rest so the connection can be reused.
func readExcerpt(body io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(body, postback.ExcerptLimit))
	_, _ = io.Copy(io.Discard, io.LimitReader(body, bodyDrain))
	return postback.Truncate(strings.ToValidUTF8(string(b), "\uFFFD"), postback.ExcerptLimit)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date), capped at a day.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), 24*time.Hour)
}
