package hosts

import (
	"sync"
	"time"
)

// BreakerPolicy tunes the circuit breaker of an installation.
type BreakerPolicy struct {
	Faults   int           // faults within Window that open the breaker
	Window   time.Duration // sliding window for counting faults
	Cooldown time.Duration // first open period; doubles on each re-open
	MaxOpen  time.Duration // cap of the open period
}

// DefaultBreaker is the v1 policy: open after 5 traps or timeouts within 60 s,
// half-open after 30 s, backing off to 10 minutes.
var DefaultBreaker = BreakerPolicy{Faults: 5, Window: time.Minute, Cooldown: 30 * time.Second, MaxOpen: 10 * time.Minute}

// breaker counts faults of one installation. Closed: calls pass. Open: calls
// are refused until the cooldown ends. Half-open: one trial call passes; its
// success closes the breaker, its failure re-opens it for twice as long.
type breaker struct {
	mu       sync.Mutex
	p        BreakerPolicy
	faults   []time.Time
	openTill time.Time
	cooldown time.Duration
	trial    bool // a half-open trial call is in flight
}

func newBreaker(p BreakerPolicy) *breaker { return &breaker{p: p, cooldown: p.Cooldown} }

// allow reports whether a call may go ahead now.
func (b *breaker) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openTill.IsZero() {
		return true
	}
	if now.Before(b.openTill) || b.trial {
		return false
	}
	b.trial = true
	return true
}

// record notes the outcome of a call that allow let through.
func (b *breaker) record(now time.Time, fault bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	wasTrial := b.trial
	b.trial = false
	if !fault {
		if wasTrial {
			b.openTill, b.cooldown, b.faults = time.Time{}, b.p.Cooldown, nil
		}
		return
	}
	if wasTrial {
		b.cooldown = min(2*b.cooldown, b.p.MaxOpen)
		b.openTill = now.Add(b.cooldown)
		return
	}
	cut := now.Add(-b.p.Window)
	kept := b.faults[:0]
	for _, t := range b.faults {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	b.faults = append(kept, now)
	if len(b.faults) >= b.p.Faults {
		b.openTill = now.Add(b.cooldown)
		b.faults = nil
	}
}
