package postback

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/affcore/affcore/core/event"
)

// Policy is the retry schedule: the delay before attempt n+1 is
// Schedule[n-1] (the last entry repeats), jittered by ±Jitter, never
// shorter than a Retry-After the receiver sent, and a delivery whose next
// attempt would fall after FirstAt+GiveUpAfter is failed instead.
type Policy struct {
	Schedule    []time.Duration
	GiveUpAfter time.Duration
	// Jitter is the relative spread of each delay (0.2 = ±20%), so retries
	// of many deliveries to one receiver do not arrive in lockstep.
	Jitter float64
}

// DefaultSchedule starts within seconds and backs off to hourly retries.
var DefaultSchedule = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute,
	10 * time.Minute, time.Hour}

// DefaultPolicy is about 1 s, 5 s, 30 s, 2 min, 10 min, then hourly, giving
// up after 24 hours.
func DefaultPolicy() Policy {
	return Policy{Schedule: DefaultSchedule, GiveUpAfter: 24 * time.Hour, Jitter: 0.2}
}

// Validate reports a policy that cannot work.
func (p Policy) Validate() error {
	if len(p.Schedule) == 0 {
		return errors.New("the retry schedule needs at least one delay")
	}
	for _, d := range p.Schedule {
		if d <= 0 {
			return fmt.Errorf("retry delay %s is not positive", d)
		}
	}
	if p.GiveUpAfter <= 0 {
		return errors.New("give-up time must be positive")
	}
	if p.Jitter < 0 || p.Jitter >= 1 {
		return errors.New("jitter must be in [0, 1)")
	}
	return nil
}

// Delay returns the jittered delay after attempt n (1-based).
func (p Policy) Delay(n int) time.Duration {
	d := p.Schedule[min(max(n, 1), len(p.Schedule))-1]
	if p.Jitter > 0 {
		d = time.Duration(float64(d) * (1 - p.Jitter + 2*p.Jitter*rand.Float64()))
	}
	return d
}

// Status is where a logical delivery stands.
type Status string

// Delivery statuses.
const (
	StatusQueued    Status = "queued"    // on the bus, about to be attempted
	StatusRetrying  Status = "retrying"  // waiting for its next attempt (NextAttemptAt)
	StatusDelivered Status = "delivered" // the receiver answered 2xx
	StatusFailed    Status = "failed"    // a final error, or gave up; replayable
)

// Sent is what one attempt produced: the logged attempt and how to classify it.
type Sent struct {
	Attempt Attempt
	// Delivered is true when the receiver answered 2xx.
	Delivered bool
	// Retryable is true for network errors, timeouts, 408, 429 and 5xx.
	Retryable bool
	// RetryAfter is the receiver's Retry-After, if any.
	RetryAfter time.Duration
	// Reason explains a failure in a few words ("HTTP 503", "timeout after 10s").
	Reason string
}

// Result is the outcome of processing one job, for the delivery log.
type Result struct {
	Job event.OutgoingPostback
	// JobJSON optionally holds Job already encoded as JSON (the bus message
	// it came in), so storage need not encode it again.
	JobJSON []byte
	// Attempt is nil when nothing was sent (a deferral).
	Attempt *Attempt
	Status  Status
	NextAt  time.Time // when Status is StatusRetrying
	Reason  string
}

// Decide turns an attempt into the delivery's next state.
func (p Policy) Decide(job event.OutgoingPostback, s Sent, now time.Time) Result {
	a := s.Attempt
	r := Result{Job: job, Attempt: &a, Reason: s.Reason}
	switch {
	case s.Delivered:
		r.Status, r.Reason = StatusDelivered, ""
	case !s.Retryable:
		r.Status, r.Reason = StatusFailed, s.Reason+" (final: not retried)"
	default:
		next := now.Add(max(p.Delay(job.Attempt), s.RetryAfter))
		if job.Test || next.After(job.FirstAt.Add(p.GiveUpAfter)) {
			r.Status = StatusFailed
			r.Reason = fmt.Sprintf("%s (gave up after %d attempts)", s.Reason, job.Attempt)
			if job.Test {
				r.Reason = s.Reason + " (test postbacks are not retried)"
			}
			break
		}
		r.Status, r.NextAt = StatusRetrying, next
	}
	return r
}

// Defer is the result of putting a job off because its receiver is
// saturated: nothing was sent and no attempt is counted. A delivery still
// waiting at its give-up time fails like one whose attempts did.
func (p Policy) Defer(job event.OutgoingPostback, delay time.Duration, now time.Time) Result {
	job.Deferrals++
	if now.Add(delay).After(job.FirstAt.Add(p.GiveUpAfter)) {
		return Result{Job: job, Status: StatusFailed,
			Reason: fmt.Sprintf("gave up: the receiver stayed saturated (%d attempts made)", job.Attempt-1)}
	}
	return Result{Job: job, Status: StatusRetrying, NextAt: now.Add(delay), Reason: "waiting: receiver busy"}
}

// ClassifyStatus says whether an HTTP status delivered the postback, and if
// not whether it is worth retrying: 2xx delivered; 408, 429 and 5xx are
// retried; every other answer is final (no retry storm on a 4xx).
func ClassifyStatus(code int) (delivered, retryable bool) {
	switch {
	case code >= 200 && code < 300:
		return true, false
	case code == 408 || code == 429 || code >= 500:
		return false, true
	}
	return false, false
}

// StatusReason is the log reason for an HTTP answer that did not deliver.
func StatusReason(code int, excerpt string) string {
	r := fmt.Sprintf("HTTP %d", code)
	if e := strings.TrimSpace(excerpt); e != "" {
		r += ": " + Truncate(e, 120)
	}
	return r
}

// Truncate shortens s to at most n bytes on a rune boundary, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
