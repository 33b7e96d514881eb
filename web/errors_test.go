package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A 503 (a dependency is down, or a postback's click is not written yet)
// tells the sender when to retry, as a 429 does.
func TestWriteProblem_RetryAfter(t *testing.T) {
	for status, want := range map[int]string{http.StatusServiceUnavailable: "5", http.StatusTooManyRequests: "60", http.StatusNotFound: ""} {
		w := httptest.NewRecorder()
		writeProblem(w, httptest.NewRequest("GET", "/api/v1/postback", nil), problem{Status: status, Title: http.StatusText(status)})
		var p problem
		if err := json.NewDecoder(w.Body).Decode(&p); err != nil || w.Code != status || p.Status != status {
			t.Fatalf("%d: answered %d %+v, %v", status, w.Code, p, err)
		}
		if got := w.Header().Get("Retry-After"); got != want {
			t.Errorf("%d: Retry-After %q; want %q", status, got, want)
		}
	}
}

// A problem names the request's id, the one the X-Request-Id header
// carries: the caller's when it is sane and alone, else a new one.
func TestWriteProblem_RequestID(t *testing.T) {
	h := withRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem{Status: http.StatusNotFound, Title: "Not Found"})
	}))
	for _, tc := range []struct {
		sent     []string
		keepSent bool
	}{
		{nil, false},
		{[]string{"abc-123"}, true},
		{[]string{"abc-123", "def"}, false},
		{[]string{"bad id"}, false},
	} {
		r := httptest.NewRequest("GET", "/nowhere", nil)
		if tc.sent != nil {
			r.Header["X-Request-Id"] = tc.sent
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var p problem
		if err := json.NewDecoder(w.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		got := w.Header().Values("X-Request-Id")
		if len(got) != 1 || p.RequestID != got[0] || (tc.keepSent && got[0] != tc.sent[0]) || (!tc.keepSent && len(got[0]) < 8) {
			t.Errorf("sent %q: header %q, problem request_id %q", tc.sent, got, p.RequestID)
		}
	}
}
