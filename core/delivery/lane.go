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
}

// initialLatency is what a new receiver is assumed to take per request.
const initialLatency = 50 * time.Millisecond

func newLane(limit, capacity int, maxWait time.Duration) *lane {
	return &lane{limit: limit, capacity: capacity, maxWait: maxWait, lastUsed: time.Now(), latency: initialLatency}
}

// offer queues it and calls start when another sender goroutine may run.
// It reports false when the lane is closed, full, or the receiver is so
// slow that the job would wait longer than maxWait: a fast receiver can
// absorb a burst, a slow one only a few jobs.
func (l *lane) offer(it item, start func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	wait := time.Duration(len(l.queue)+1) * l.latency / time.Duration(l.limit)
	if l.closed || len(l.queue) >= l.capacity || wait > l.maxWait {
		return false
	}
	l.queue = append(l.queue, it)
	if l.active < l.limit {
		l.active++
		start()
	}
	return true
}

// next pops the oldest item; when there is none (or the lane is closed) the
// calling sender goroutine retires.
func (l *lane) next() (item, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || len(l.queue) == 0 {
		l.active--
		l.lastUsed = time.Now()
		return item{}, false
	}
	it := l.queue[0]
	l.queue[0] = item{}
	l.queue = l.queue[1:]
	return it, true
}

// observe feeds one answer's latency into the moving average.
func (l *lane) observe(d time.Duration) {
	l.mu.Lock()
	l.latency = (4*l.latency + d) / 5
	l.mu.Unlock()
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
