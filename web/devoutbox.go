package web

import (
	"html/template"
	"net/http"
	"net/netip"
)

var outboxPage = template.Must(template.New("outbox").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev outbox</title><style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}
article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap}</style></head>
<body><h1>Dev outbox</h1><p>No SMTP server is configured: email is kept here instead of being sent.</p>
{{range .}}<article><b>{{.Subject}}</b> → {{.To}} <small>{{.CreatedAt.Format "2006-01-02 15:04:05"}}</small><pre>{{.Body}}</pre></article>
{{else}}<p>No messages yet.</p>{{end}}</body></html>`))

// handleDevOutbox serves GET /dev/outbox: the messages affcore would have
// emailed, to loopback callers only, and only when no SMTP is configured.
func (s *Server) handleDevOutbox() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip, err := netip.ParseAddr(RemoteIP(r))
		if s.deps.Outbox == nil || err != nil || !ip.IsLoopback() {
			http.NotFound(w, r)
			return
		}
		msgs, err := s.deps.Outbox.Recent(r.Context(), 100)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if r.URL.Query().Get("format") == "json" {
			respond(w, http.StatusOK, msgs)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = outboxPage.Execute(w, msgs)
	}
}
