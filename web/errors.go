package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/affcore/affcore/core"
)

// problem is an RFC 9457 problem details document.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Errors    []core.FieldError `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	// Checks is the /readyz extension member: each dependency and its state.
	Checks map[string]string `json:"checks,omitempty"`
}

// statusOf maps an error kind to an HTTP status. It is the only such mapping.
func statusOf(kind core.Kind) int {
	switch kind {
	case core.KindInvalid:
		return http.StatusBadRequest
	case core.KindUnauthorized:
		return http.StatusUnauthorized
	case core.KindForbidden:
		return http.StatusForbidden
	case core.KindPayment:
		return http.StatusPaymentRequired
	case core.KindNotFound:
		return http.StatusNotFound
	case core.KindConflict:
		return http.StatusConflict
	case core.KindGone:
		return http.StatusGone
	case core.KindRateLimited:
		return http.StatusTooManyRequests
	case core.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errBodyTooLarge marks a request body over the limit.
var errBodyTooLarge = core.Errorf(core.KindInvalid, "request body too large")

// writeError answers with problem+json for err. Internal errors are logged
// here, once, with the request id; users see only a safe message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := core.KindOf(err)
	status := statusOf(kind)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		kind, status, err = core.KindInvalid, http.StatusRequestEntityTooLarge, errBodyTooLarge
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "path", r.URL.Path, "request_id", requestID(r))
	}
	writeProblem(w, r, problem{
		Type:   "/problems/" + string(kind),
		Title:  http.StatusText(status),
		Status: status,
		Detail: core.MessageOf(err),
		Errors: core.FieldsOf(err),
	})
}

// writeProblem sends a problem document.
func writeProblem(w http.ResponseWriter, r *http.Request, p problem) {
	p.RequestID = requestID(r)
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer`)
	}
	if p.Status == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "60")
	}
	if p.Status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "5") // e.g. a postback whose click ingest has not written yet
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
