package web

import (
	"testing"
	"time"
)

func TestRateLimits_Allow(t *testing.T) {
	rl := newRateLimits()
	l := limit{"t", 3, time.Minute}
	now := time.Now()
	for i := range 3 {
		if ok, _ := rl.allow(l, "1.2.3.4", now); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := rl.allow(l, "1.2.3.4", now)
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th request: ok=%v wait=%v; want refused with a wait of about 20s", ok, wait)
	}
	if ok, _ := rl.allow(l, "5.6.7.8", now); !ok {
		t.Error("another IP shares the bucket")
	}
	if ok, _ := rl.allow(l, "1.2.3.4", now.Add(21*time.Second)); !ok {
		t.Error("no token after the refill interval")
	}
}
