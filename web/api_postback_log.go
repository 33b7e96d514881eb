package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/postback"
)

// deliveryView is one logical delivery in the outgoing postbacks log. It
// never includes the values sent (a webhook's carry revenue).
type deliveryView struct {
	ID               string        `json:"id"` // also the Idempotency-Key receivers saw
	Kind             string        `json:"kind"`
	PartnerID        string        `json:"partner_id,omitempty"`
	EndpointID       string        `json:"endpoint_id"`
	ConversionID     string        `json:"conversion_id,omitempty"`
	OfferID          string        `json:"offer_id,omitempty"`
	Event            string        `json:"event,omitempty"`
	ConversionStatus string        `json:"conversion_status,omitempty"`
	Status           string        `json:"status"`
	Attempts         int           `json:"attempts"`
	Test             bool          `json:"test"`
	Method           string        `json:"method,omitempty"`
	URL              string        `json:"url,omitempty"`
	LastStatusCode   int           `json:"last_status_code,omitempty"`
	LastError        string        `json:"last_error,omitempty"`
	NextAttemptAt    *time.Time    `json:"next_attempt_at,omitempty"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
	DeliveredAt      *time.Time    `json:"delivered_at,omitempty"`
	AttemptLog       []attemptView `json:"attempt_log,omitempty"`
}

// attemptView is one HTTP request of a delivery.
type attemptView struct {
	Attempt         int       `json:"attempt"`
	Method          string    `json:"method"`
	URL             string    `json:"url"`
	StatusCode      int       `json:"status_code,omitempty"`
	Error           string    `json:"error,omitempty"`
	ResponseExcerpt string    `json:"response_excerpt,omitempty"`
	LatencyMS       float64   `json:"latency_ms"`
	StartedAt       time.Time `json:"started_at"`
}

func newDeliveryView(d postback.Delivery, attempts []postback.Attempt) deliveryView {
	v := deliveryView{ID: d.ID, Kind: string(d.Kind), PartnerID: d.PartnerID, EndpointID: d.EndpointID,
		ConversionID: d.ConversionID, OfferID: d.OfferID, Event: d.Event, ConversionStatus: d.ConversionStatus,
		Status: string(d.Status), Attempts: d.Attempts, Test: d.Test, Method: d.Method, URL: d.URL,
		LastStatusCode: d.LastStatusCode, LastError: d.LastError, NextAttemptAt: d.NextAttemptAt,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, DeliveredAt: d.DeliveredAt}
	for _, a := range attempts {
		v.AttemptLog = append(v.AttemptLog, attemptView{Attempt: a.Number, Method: a.Method, URL: a.URL,
			StatusCode: a.StatusCode, Error: a.Error, ResponseExcerpt: a.Excerpt,
			LatencyMS: float64(a.Latency.Microseconds()) / 1000, StartedAt: a.StartedAt})
	}
	return v
}

// requirePartnerOrScope lets through partners (who see only their own
// data) and advertiser team members holding scope.
func (s *Server) requirePartnerOrScope(scope access.Scope) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p := principal(r); !p.IsPartner() && !p.Can(scope) {
				s.writeError(w, r, core.Errorf(core.KindForbidden, "this action needs the %s permission", scope))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// handleOutgoingList serves GET /api/v1/postbacks/outgoing: the delivery
// log, newest first. Query: status, kind, partner_id (advertisers),
// endpoint_id, conversion_id, from, to (RFC 3339), limit (1-200), cursor.
// A partner sees only the postbacks sent to itself.
func (s *Server) handleOutgoingList(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		f, err := outgoingFilter(r.URL.Query())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if p.IsPartner() {
			f.PartnerID, f.Kind = p.PartnerID, postback.KindPartner
		}
		items, next, err := svc.Deliveries(r.Context(), p.TenantID, f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[deliveryView]{Items: make([]deliveryView, 0, len(items))}
		for _, d := range items {
			out.Items = append(out.Items, newDeliveryView(d, nil))
		}
		if next != nil {
			out.NextCursor = next.String()
		}
		respond(w, http.StatusOK, out)
	})
}

// outgoingFilter parses the log's query parameters, naming a bad one.
func outgoingFilter(q url.Values) (postback.Filter, error) {
	var v core.Validator
	f := postback.Filter{PartnerID: q.Get("partner_id"), EndpointID: q.Get("endpoint_id"),
		ConversionID: q.Get("conversion_id"), Status: postback.Status(q.Get("status")), Kind: postback.Kind(q.Get("kind"))}
	switch f.Status {
	case "", postback.StatusQueued, postback.StatusRetrying, postback.StatusDelivered, postback.StatusFailed:
	default:
		v.Add("status", "must be queued, retrying, delivered or failed")
	}
	v.Check(f.Kind == "" || f.Kind == postback.KindPartner || f.Kind == postback.KindWebhook, "kind", "must be partner or webhook")
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if s := q.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			v.Check(err == nil, name, "must be an RFC 3339 time, e.g. 2025-01-31T00:00:00Z")
			*dst = t
		}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= postback.MaxLimit, "limit", "must be 1 to 200")
		f.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		c, err := postback.ParseCursor(s)
		if err != nil {
			v.Add("cursor", "is not a cursor from a previous page")
		}
		f.After = &c
	}
	return f, v.Err()
}

// handleOutgoingGet serves GET /api/v1/postbacks/outgoing/{id}: one
// delivery with every attempt.
func (s *Server) handleOutgoingGet(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		partner := ""
		if p.IsPartner() {
			partner = p.PartnerID
		}
		d, attempts, err := svc.Delivery(r.Context(), p.TenantID, chi.URLParam(r, "id"), partner)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, newDeliveryView(d, attempts))
	})
}

// handleOutgoingReplay serves POST /api/v1/postbacks/outgoing/{id}/replay:
// a failed (or delivered) delivery is sent again with the same idempotency
// id, using the receiver's current settings. 202: it is due now.
func (s *Server) handleOutgoingReplay(svc *postback.Service) http.HandlerFunc {
	return s.postbacksReady(svc, func(w http.ResponseWriter, r *http.Request) {
		d, err := svc.Replay(r.Context(), principal(r).TenantID, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusAccepted, newDeliveryView(d, nil))
	})
}
