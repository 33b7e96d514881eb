package click

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
)

// Score is a click's quality score, the same scale as the click-scoring hook
// of the plugin contract: 100 is clean human traffic, 0 is certainly invalid.
type Score struct {
	Value   int
	Reasons []string
}

// Scorer scores a click (the click-scoring hook). It is called on every
// click, so it must answer within the deadline the Tracker gives it; an
// error or a late answer leaves the built-in score in place (fail-open).
type Scorer interface {
	Score(ctx context.Context, c *Click) (Score, error)
}

// ActiveScorer is a Scorer that can say cheaply that it has nothing to do
// for a tenant (no scoring plugin installed); the click then skips the
// deadline-guarded call.
type ActiveScorer interface {
	Active(tenant core.TenantID) bool
}

// scorerActive reports whether s has work for tenant.
func scorerActive(s Scorer, tenant core.TenantID) bool {
	a, ok := s.(ActiveScorer)
	return !ok || a.Active(tenant)
}

// FraudThreshold is the score at or below which a click is flagged as
// fraud: its conversions never move money.
const FraudThreshold = 20

// builtinScore is the built-in scoring: bots and clicks without a user agent.
func builtinScore(c *Click, d Device) Score {
	switch {
	case d.Bot:
		return Score{Value: 0, Reasons: []string{"bot user agent"}}
	case c.UserAgent == "":
		return Score{Value: 40, Reasons: []string{"no user agent"}}
	}
	return Score{Value: 100}
}

// hookScore runs the hook with a hard deadline: a hook that ignores its
// context is abandoned when the deadline passes.
func hookScore(ctx context.Context, s Scorer, c *Click, deadline time.Duration) (Score, bool) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	cp := *c // the hook may outlive this call; give it its own copy
	type answer struct {
		s   Score
		err error
	}
	done := make(chan answer, 1)
	go func() {
		sc, err := s.Score(ctx, &cp)
		done <- answer{sc, err}
	}()
	select {
	case a := <-done:
		return a.s, a.err == nil
	case <-ctx.Done():
		return Score{}, false
	}
}
