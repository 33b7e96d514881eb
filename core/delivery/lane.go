package delivery

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/event"
)

// item is a job this node holds: queued in a lane or being sent.
type item struct {
	job   event.OutgoingPostback
	msg   jetstream.Msg
	since time.Time
}

// lane is one receiver's FIFO queue with a concurrency limit. A slow
// receiver fills only its own lane: the dispatcher never waits on a lane,
// it defers the job instead.
//
// Lock order: pool.mu before lane.mu; code holding lane.mu takes no other lock.
type lane struct {
	limit    int           // concurrent sends
	capacity int           // queued jobs
	maxWait  time.Duration // how long a newly queued job may expect to wait
	mu       sync.Mutex
	queue    []item
	active   int
	closed   bool
	lastUsed time.Time
	latency  time.Duration // moving average of this receiver's answers
	started  []time.Time   // start times of the requests in flight
}

// initialLatency is what a new receiver is assumed to take per request.
const initialLatency = 50 * time.Millisecond

func newLane(limit, capacity int, maxWait time.Duration) *lane {
	return &lane{limit: limit, capacity: capacity, maxWait: maxWait, lastUsed: time.Now(), latency: initialLatency}
}

// offer queues it and calls start when another sender goroutine may run.
// It reports false when the lane is closed, full, or the receiver is so
// slow that the job would wait longer than maxWait: a fast receiver can
// absorb a burst, a slow or hanging one only a few jobs.
func (l *lane) offer(it item, start func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || len(l.queue) >= l.capacity || l.expectedWait(len(l.queue)+1, it.since) > l.maxWait {
		return false
	}
	l.queue = append(l.queue, it)
	if l.active < l.limit {
		l.active++
		start()
	}
	return true
}

// expectedWait estimates how long the n-th queued job would wait: the
// receiver's recent latency, or the age of its oldest request in flight
// when that is longer (a receiver that just started hanging has no slow
// answers yet, only old requests).
func (l *lane) expectedWait(n int, now time.Time) time.Duration {
	lat := l.latency
	for _, s := range l.started {
		lat = max(lat, now.Sub(s))
	}
	return time.Duration(n) * lat / time.Duration(l.limit)
}

// next pops the oldest item and notes its start; when there is none (or
// the lane is closed) the calling sender goroutine retires.
func (l *lane) next() (item, time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.closed || len(l.queue) == 0 {
		l.active--
		l.lastUsed = now
		return item{}, now, false
	}
	it := l.queue[0]
	l.queue[0] = item{}
	l.queue = l.queue[1:]
	l.started = append(l.started, now)
	return it, now, true
}

// finished records the end of the request started at start: its latency
// feeds the moving average.
func (l *lane) finished(start time.Time, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.latency = (4*l.latency + d) / 5
	for i, s := range l.started {
		if s.Equal(start) {
			l.started = append(l.started[:i], l.started[i+1:]...)
			break
		}
	}
}

// expire removes the items queued since before cutoff (they sit at the head).
func (l *lane) expire(cutoff time.Time) []item {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(l.queue) && l.queue[n].since.Before(cutoff) {
		n++
	}
	out := append([]item(nil), l.queue[:n]...)
	l.queue = l.queue[n:]
	return out
}

// close stops the lane and returns what was still queued.
func (l *lane) close() []item {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	out := l.queue
	l.queue = nil
	return out
}

// idle reports whether the lane has had nothing to do since before cutoff.
func (l *lane) idle(cutoff time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.active == 0 && len(l.queue) == 0 && l.lastUsed.Before(cutoff)
}

// receiverKey names a receiver for concurrency limits: scheme, host and port
// of the URL template (macros never sit in the host).
func receiverKey(template string) string {
	u, err := url.Parse(template)
	if err != nil {
		return template
	}
	port := u.Port()
	if port == "" {
		port = map[bool]string{true: "443", false: "80"}[strings.EqualFold(u.Scheme, "https")]
	}
	return strings.ToLower(u.Scheme + "://" + u.Hostname() + ":" + port)
}
