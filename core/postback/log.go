package postback

import (
	"net/url"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Delivery is one logical delivery in the log: the latest state of every
// attempt made for one event to one endpoint.
type Delivery struct {
	ID               string
	TenantID         core.TenantID
	Kind             Kind
	PartnerID        string // the receiving partner (partner deliveries)
	EndpointID       string
	ConversionID     string
	OfferID          string
	Event            string
	ConversionStatus string
	Status           Status
	Attempts         int
	Test             bool
	Method           string // of the last attempt
	URL              string // of the last attempt, secrets redacted
	LastStatusCode   int    // 0 when no HTTP answer
	LastError        string
	NextAttemptAt    *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	DeliveredAt      *time.Time
	// Job is the latest job snapshot, kept for retries and replays; it is
	// never shown through the API.
	Job event.OutgoingPostback
}

// Attempt is one HTTP request made for a delivery.
type Attempt struct {
	DeliveryID string
	Number     int
	Method     string
	URL        string // secrets redacted
	StatusCode int    // 0 when no HTTP answer
	Error      string // network error or failure reason
	Excerpt    string // the first bytes of the response body
	Latency    time.Duration
	StartedAt  time.Time
}

// DeliveryState is what a worker checks before sending a job, so a
// duplicate or stale job never sends twice.
type DeliveryState struct {
	Status   Status
	Attempts int
}

// Stale reports whether job has been overtaken: the delivery is finished,
// or the job's attempt was already made.
func (s DeliveryState) Stale(job event.OutgoingPostback) bool {
	return s.Status == StatusDelivered || s.Status == StatusFailed || s.Attempts >= job.Attempt
}

// Filter selects deliveries in the log. PartnerID is forced to the caller
// for partners.
type Filter struct {
	PartnerID    string
	Kind         Kind
	Status       Status
	EndpointID   string
	ConversionID string
	From, To     time.Time // created_at in [From, To)
	// After is the keyset cursor: the last delivery of the previous page.
	After *Cursor
	Limit int
}

// Cursor is a position in the log (newest first).
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// ExcerptLimit bounds the stored response body excerpt.
const ExcerptLimit = 1024

// sensitiveParams are query parameter names whose values are redacted in
// the log: receivers often put their own tokens in postback URLs.
var sensitiveParams = []string{"token", "key", "secret", "password", "pass", "pwd", "sig", "signature",
	"auth", "apikey", "api_key", "access_token", "hash", "hmac"}

// RedactURL returns raw with credentials and the values of sensitive query
// parameters replaced by "redacted", for logs and the advertiser's view of a
// partner's settings. Everything else is kept exactly as written (macros too).
func RedactURL(raw string) string {
	rest, fragment, hasFragment := strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	if scheme, after, ok := strings.Cut(base, "://"); ok {
		authority, path, _ := strings.Cut(after, "/")
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			authority = "redacted@" + authority[at+1:]
		}
		base = scheme + "://" + authority
		if strings.Contains(after, "/") {
			base += "/" + path
		}
	}
	if hasQuery {
		parts := strings.Split(query, "&")
		for i, p := range parts {
			name, _, hasValue := strings.Cut(p, "=")
			if n, err := url.QueryUnescape(name); err == nil && hasValue && sensitive(n) {
				parts[i] = name + "=redacted"
			}
		}
		base += "?" + strings.Join(parts, "&")
	}
	if hasFragment {
		base += "#" + fragment
	}
	return base
}

func sensitive(name string) bool {
	name = strings.ToLower(name)
	for _, s := range sensitiveParams {
		if name == s || strings.HasSuffix(name, "_"+s) || strings.HasSuffix(name, "-"+s) {
			return true
		}
	}
	return false
}
