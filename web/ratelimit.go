package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/affcore/affcore/core"
)

// rateLimits keeps a token bucket per (bucket, client IP) for the public
// authentication routes. Limits are per node; account lockouts, which are
// stored in PostgreSQL, hold across nodes.
type rateLimits struct {
	mu      sync.Mutex
	buckets map[string]*limiterEntry
	swept   time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// limit is a bucket's rate: n events per period, with a burst of n.
type limit struct {
	name   string
	n      int
	period time.Duration
}

// Per-IP limits of the public authentication routes.
var (
	limitSignup        = limit{"signup", 10, time.Hour}
	limitPartnerSignup = limit{"partner-signup", 30, time.Hour}
	limitLogin         = limit{"login", 20, time.Minute}
	limitReset         = limit{"reset", 10, 15 * time.Minute}
	limitInvite        = limit{"invite", 60, time.Hour}
)

func newRateLimits() *rateLimits {
	return &rateLimits{buckets: make(map[string]*limiterEntry)}
}

// allow reports whether ip may make one more request in bucket l, and if
// not, how long to wait.
func (rl *rateLimits) allow(l limit, ip string, now time.Time) (bool, time.Duration) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if now.Sub(rl.swept) > 10*time.Minute {
		for k, e := range rl.buckets {
			if now.Sub(e.seen) > time.Hour {
				delete(rl.buckets, k)
			}
		}
		rl.swept = now
	}
	key := l.name + "|" + ip
	e, ok := rl.buckets[key]
	if !ok {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Every(l.period/time.Duration(l.n)), l.n)}
		rl.buckets[key] = e
	}
	e.seen = now
	r := e.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateLimit refuses callers over limit l with 429 and Retry-After.
func (s *Server) rateLimit(l limit) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s.deps.RateLimitFactor > 1 {
				l.n *= s.deps.RateLimitFactor
			}
			if ok, wait := s.limits.allow(l, s.deps.ClientIP(r), time.Now()); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
				s.writeError(w, r, core.Errorf(core.KindRateLimited, "too many requests; retry in %d seconds", int(wait.Seconds())+1))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
