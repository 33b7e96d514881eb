package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core/audit"
)

// handleAuditList serves GET /api/v1/audit-log?action=&actor=&before=&limit=.
func (s *Server) handleAuditList(l *audit.Log) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
		limit, _ := strconv.Atoi(q.Get("limit"))
		entries, err := l.List(r.Context(), principal(r).TenantID, audit.Filter{Action: q.Get("action"), ActorID: q.Get("actor"), Before: before, Limit: limit})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[audit.Entry]{Items: entries}
		if out.Items == nil {
			out.Items = []audit.Entry{}
		}
		if len(entries) > 0 {
			out.NextCursor = strconv.FormatInt(entries[len(entries)-1].ID, 10)
		}
		respond(w, http.StatusOK, out)
	}
}

// captureWriter keeps the start of a response body to find the new
// resource's id for the audit log.
type captureWriter struct {
	statusWriter
	head bytes.Buffer
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if room := 4096 - c.head.Len(); room > 0 {
		c.head.Write(b[:min(room, len(b))])
	}
	return c.statusWriter.Write(b)
}

// audited records every successful state-changing request of an
// authenticated caller in the audit log: actor, action (derived from the
// route), target, IP and the request body with secrets redacted.
func (s *Server) audited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Audit == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		r.Body = io.NopCloser(bytes.NewReader(body))
		cw := &captureWriter{statusWriter: statusWriter{ResponseWriter: w}}
		next.ServeHTTP(cw, r)
		if cw.status >= 400 {
			return
		}
		s.deps.Audit.Append(r.Context(), principal(r).TenantID, s.auditEntry(r, body, cw.head.Bytes()))
	})
}

func (s *Server) auditEntry(r *http.Request, reqBody, respHead []byte) audit.Entry {
	p := principal(r)
	pattern := chi.RouteContext(r.Context()).RoutePattern()
	e := audit.Entry{ActorID: p.ActorID(), ActorKind: string(p.Kind), Action: auditAction(r.Method, pattern), IP: s.deps.ClientIP(r)}
	if p.APIKeyID != "" {
		e.ActorKind = "api_key"
	}
	e.TargetType, e.TargetID = auditTarget(r, pattern, respHead)
	var summary map[string]any
	if json.Unmarshal(reqBody, &summary) == nil && len(summary) > 0 {
		e.Summary = audit.Redact(summary)
	}
	return e
}

// auditAction names an action from the route: POST /api/v1/offers →
// offers.create, PUT /api/v1/offers/{id} → offers.update, DELETE →
// offers.delete, PUT on a sub-resource → .set, and routes that end in a verb
// keep it: POST /api/v1/payouts/{id}/approve → payouts.approve,
// POST /api/v1/auth/login → auth.login.
func auditAction(method, pattern string) string {
	var lits []string
	lastWasParam, hasParam := false, false
	for _, seg := range strings.Split(strings.TrimPrefix(pattern, "/api/v1/"), "/") {
		switch {
		case strings.HasPrefix(seg, "{"):
			lastWasParam, hasParam = true, true
		case seg != "":
			lits, lastWasParam = append(lits, seg), false
		}
	}
	name := strings.ReplaceAll(strings.Join(lits, "."), "-", "_")
	last := lits[len(lits)-1]
	switch {
	case method == http.MethodDelete:
		return name + ".delete"
	case method == http.MethodPut || method == http.MethodPatch:
		if lastWasParam {
			return name + ".update"
		}
		return name + ".set"
	case lastWasParam || (!hasParam && strings.HasSuffix(last, "s")):
		return name + ".create" // POST to a collection
	}
	return name // the last segment is the verb
}

// auditTarget names what the request changed: the resource (the route's
// literal segments up to {id}) and the route's {id}, else the id in the response.
func auditTarget(r *http.Request, pattern string, respHead []byte) (string, string) {
	var lits []string
	for _, seg := range strings.Split(strings.TrimPrefix(pattern, "/api/v1/"), "/") {
		if seg == "{id}" {
			break
		}
		if !strings.HasPrefix(seg, "{") {
			lits = append(lits, strings.ReplaceAll(seg, "-", "_"))
		}
	}
	typ := strings.Join(lits, ".")
	if id := chi.URLParam(r, "id"); id != "" {
		return typ, id
	}
	var resp struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(respHead, &resp)
	return typ, resp.ID
}
