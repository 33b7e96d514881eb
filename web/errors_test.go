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
