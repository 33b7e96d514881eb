package postback_test

import (
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

func TestPolicy_Decide(t *testing.T) {
	p := postback.Policy{Schedule: []time.Duration{time.Second, 5 * time.Second, time.Hour}, GiveUpAfter: 3 * time.Hour, Jitter: 0.2}
	now := time.Unix(1700000000, 0)
	job := event.OutgoingPostback{DeliveryID: "pbd_1", Attempt: 1, FirstAt: now}
	cases := []struct {
		name     string
		attempt  int
		sent     postback.Sent
		status   postback.Status
		minDelay time.Duration
		maxDelay time.Duration
		reason   string
	}{
		{"2xx", 1, postback.Sent{Delivered: true}, postback.StatusDelivered, 0, 0, ""},
		{"5xx-first", 1, postback.Sent{Retryable: true, Reason: "HTTP 503"}, postback.StatusRetrying, 800 * time.Millisecond, 1200 * time.Millisecond, "HTTP 503"},
		{"second", 2, postback.Sent{Retryable: true, Reason: "timeout"}, postback.StatusRetrying, 4 * time.Second, 6 * time.Second, "timeout"},
		{"last-entry-repeats", 9, postback.Sent{Retryable: true, Reason: "x"}, postback.StatusRetrying, 48 * time.Minute, 72 * time.Minute, "x"},
		{"retry-after-wins", 1, postback.Sent{Retryable: true, RetryAfter: time.Minute, Reason: "HTTP 429"}, postback.StatusRetrying, time.Minute, time.Minute, "HTTP 429"},
		{"4xx-final", 1, postback.Sent{Reason: "HTTP 400: bad click"}, postback.StatusFailed, 0, 0, "HTTP 400: bad click (final: not retried)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := job
			j.Attempt = tc.attempt
			r := p.Decide(j, tc.sent, now)
			if r.Status != tc.status || r.Reason != tc.reason {
				t.Fatalf("Decide = %s %q; want %s %q", r.Status, r.Reason, tc.status, tc.reason)
			}
			if d := r.NextAt.Sub(now); tc.status == postback.StatusRetrying && (d < tc.minDelay || d > tc.maxDelay) {
				t.Errorf("next attempt in %s; want %s..%s", d, tc.minDelay, tc.maxDelay)
			}
		})
	}
	t.Run("gives-up-after-deadline", func(t *testing.T) {
		j := job
		j.Attempt = 4
		r := p.Decide(j, postback.Sent{Retryable: true, Reason: "HTTP 502"}, now.Add(2*time.Hour+30*time.Minute))
		if r.Status != postback.StatusFailed || !strings.Contains(r.Reason, "gave up after 4 attempts") {
			t.Fatalf("Decide = %s %q; want failed, gave up", r.Status, r.Reason)
		}
	})
	t.Run("defer-keeps-attempt-until-deadline", func(t *testing.T) {
		r := p.Defer(job, time.Second, now)
		if r.Status != postback.StatusRetrying || r.Attempt != nil || r.Job.Deferrals != 1 || r.Job.Attempt != 1 {
			t.Fatalf("Defer = %+v", r)
		}
		if r := p.Defer(job, time.Second, now.Add(3*time.Hour)); r.Status != postback.StatusFailed {
			t.Fatalf("Defer past the give-up time = %s; want failed", r.Status)
		}
	})
	if err := (postback.Policy{}).Validate(); err == nil {
		t.Error("empty policy validated")
	}
}

func TestClassifyStatus(t *testing.T) {
	for code, want := range map[int][2]bool{200: {true, false}, 204: {true, false}, 400: {false, false},
		404: {false, false}, 408: {false, true}, 429: {false, true}, 500: {false, true}, 503: {false, true}, 301: {false, false}} {
		d, r := postback.ClassifyStatus(code)
		if d != want[0] || r != want[1] {
			t.Errorf("ClassifyStatus(%d) = %v, %v; want %v", code, d, r, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	cases := map[string]string{
		"https://p.example/pb?cid=1&token=abc&api_key=k&x_signature=s&sum=2": "https://p.example/pb?cid=1&token=redacted&api_key=redacted&x_signature=redacted&sum=2",
		"https://user:pw@p.example/pb":                                       "https://redacted@p.example/pb",
		"https://p.example":                                                  "https://p.example",
		"https://p.example/a?token={click_id}&b={sub1}":                      "https://p.example/a?token=redacted&b={sub1}",
		"https://p.example/pb/{click_id}":                                    "https://p.example/pb/{click_id}",
	}
	for in, want := range cases {
		if got := postback.RedactURL(in); got != want {
			t.Errorf("RedactURL(%s) = %s; want %s", in, got, want)
		}
	}
	if got := postback.Truncate("ééé", 3); got != "é…" {
		t.Errorf("Truncate = %q", got)
	}
}
