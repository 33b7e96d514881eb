package delivery

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

// pool is the worker pool: it pulls jobs from the DELIVERIES stream, skips
// the ones already done, and hands each to its receiver's lane. Lanes send
// with a per-receiver concurrency limit; a saturated receiver's extra jobs
// are deferred (logged as waiting, re-published later), so one slow or dead
// receiver never holds up another.
type pool struct {
	cfg    Config
	store  postback.DeliveryStore
	sender postback.Sender
	rec    *recorder
	log    *slog.Logger
	m      *metrics

	mu       sync.Mutex
	lanes    map[string]*lane
	inflight map[string]struct{} // delivery ids held, so a duplicate copy is not sent twice
	sends    sync.WaitGroup
}

func newPool(cfg Config, store postback.DeliveryStore, sender postback.Sender, log *slog.Logger, m *metrics) *pool {
	return &pool{cfg: cfg, store: store, sender: sender, log: log, m: m,
		rec:   newRecorder(store, cfg.Batch, cfg.Writers, log, m),
		lanes: map[string]*lane{}, inflight: map[string]struct{}{}}
}

// Run works until ctx is done, then stops taking jobs, hands queued ones
// back to the bus, lets in-flight requests finish and logs their results.
func (p *pool) Run(ctx context.Context, cons jetstream.Consumer) error {
	in, err := pump(ctx, cons, p.cfg.Batch, p.log)
	if err != nil {
		return err
	}
	var janitor sync.WaitGroup
	janitor.Add(1)
	go func() { defer janitor.Done(); p.janitor(ctx) }()
	for {
		batch, ok := collect(in, p.cfg.Batch, p.cfg.Linger)
		if !ok {
			break
		}
		if ctx.Err() != nil {
			nakAll(batch, 0)
			continue
		}
		p.dispatch(ctx, batch)
	}
	janitor.Wait()
	p.shutdown()
	return nil
}

// dispatch checks a batch against the log in one query and places each job.
func (p *pool) dispatch(ctx context.Context, batch []jetstream.Msg) {
	jobs, msgs := decodeAll[event.OutgoingPostback](batch, p.log)
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.DeliveryID
	}
	states, err := p.store.DeliveryStates(ctx, ids)
	if err != nil {
		p.log.Warn("postbacks: read delivery states; jobs go back to the queue", "err", err)
		nakAll(msgs, time.Second)
		return
	}
	now := time.Now()
	for i, j := range jobs {
		if st, ok := states[j.DeliveryID]; ok && st.Stale(j) {
			p.m.skipped.Inc()
			_ = msgs[i].Ack()
			continue
		}
		p.place(item{job: j, msg: msgs[i], since: now})
	}
}

// place hands a job to its receiver's lane, or defers it when the lane or
// this node is full. It never blocks on a receiver.
func (p *pool) place(it item) {
	id := it.job.DeliveryID
	p.mu.Lock()
	if _, dup := p.inflight[id]; dup {
		p.mu.Unlock()
		_ = it.msg.NakWithDelay(5 * time.Second) // settled by then: skipped as stale
		return
	}
	key := receiverKey(it.job.URL)
	l := p.lanes[key]
	if l == nil {
		l = newLane(p.cfg.PerReceiver, p.cfg.QueuePerReceiver, p.cfg.MaxQueueWait)
		p.lanes[key] = l
	}
	placed := len(p.inflight) < p.cfg.MaxInFlight && l.offer(it, func() {
		p.sends.Add(1)
		go p.drain(l)
	})
	if placed {
		p.inflight[id] = struct{}{}
		p.m.held.Set(float64(len(p.inflight)))
	}
	p.mu.Unlock()
	if !placed {
		p.deferJob(it)
	}
}

// drain is one sender goroutine of a lane.
func (p *pool) drain(l *lane) {
	defer p.sends.Done()
	for {
		it, start, ok := l.next()
		if !ok {
			return
		}
		p.send(l, it, start)
	}
}

// send makes the attempt (not cancelled by shutdown: it is bounded by the
// request timeout) and queues its result for the log.
func (p *pool) send(l *lane, it item, start time.Time) {
	sent := p.sender.Send(context.Background(), it.job)
	l.finished(start, time.Since(start))
	r := p.cfg.Policy.Decide(it.job, sent, time.Now())
	r.JobJSON = it.msg.Data() // the job as received: Decide does not change it
	p.m.observe(r)
	p.noteFailed(r)
	p.rec.add(pending{result: r, msg: it.msg, done: func() { p.release(it.job.DeliveryID) }})
}

func (p *pool) release(id string) {
	p.mu.Lock()
	delete(p.inflight, id)
	p.m.held.Set(float64(len(p.inflight)))
	p.mu.Unlock()
}

// deferJob puts a job off without attempting it: the log shows it waiting
// and the scheduler re-publishes it after a growing, jittered delay.
func (p *pool) deferJob(it item) {
	d := min(time.Second<<min(it.job.Deferrals, 5), 30*time.Second)
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	r := p.cfg.Policy.Defer(it.job, d, time.Now())
	if r.Status == postback.StatusFailed {
		p.m.observe(r)
		p.noteFailed(r)
	} else {
		p.m.deferred.Inc()
	}
	p.rec.add(pending{result: r, msg: it.msg})
}

// noteFailed logs a delivery given up (once, where it is decided).
func (p *pool) noteFailed(r postback.Result) {
	if r.Status == postback.StatusFailed {
		p.log.Warn("postback delivery failed", "tenant_id", r.Job.TenantID, "delivery_id", r.Job.DeliveryID,
			"kind", r.Job.Kind, "attempts", r.Job.Attempt, "reason", r.Reason)
	}
}

// janitor defers jobs that waited too long in a lane (so nothing outlives
// the bus's ack wait) and forgets idle lanes.
func (p *pool) janitor(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.sweep(now)
		}
	}
}

func (p *pool) sweep(now time.Time) {
	var expired []item
	p.mu.Lock()
	for key, l := range p.lanes {
		expired = append(expired, l.expire(now.Add(-p.cfg.MaxQueueWait))...)
		if l.idle(now.Add(-time.Minute)) {
			delete(p.lanes, key)
		}
	}
	for _, it := range expired {
		delete(p.inflight, it.job.DeliveryID)
	}
	p.mu.Unlock()
	for _, it := range expired {
		p.deferJob(it)
	}
}

// shutdown hands queued jobs back to the bus at once, waits for the
// requests in flight and flushes the log.
func (p *pool) shutdown() {
	p.mu.Lock()
	for _, l := range p.lanes {
		for _, it := range l.close() {
			_ = it.msg.Nak()
			delete(p.inflight, it.job.DeliveryID)
		}
	}
	p.mu.Unlock()
	p.sends.Wait()
	p.rec.close()
}
