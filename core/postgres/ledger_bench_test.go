package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/postgres"
)

// BenchmarkLedger_Post records one balanced two-entry transaction per op
// (idempotency check, account locks, entries, running balances, the
// deferred zero-sum check at commit).
func BenchmarkLedger_Post(b *testing.B) {
	ctx := context.Background()
	_, svc, tenant, partner := newLedger(b)
	b.ResetTimer()
	for i := range b.N {
		if _, err := svc.Post(ctx, tenant, accrue(fmt.Sprintf("k%d", i), partner, "1.25")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLedger_PostParallel posts from parallel goroutines for 16
// partners: partners do not contend with each other.
func BenchmarkLedger_PostParallel(b *testing.B) {
	ctx := context.Background()
	db := coretest.DB(b)
	tenant := coretest.Tenant(b, db)
	svc := ledger.NewService(postgres.NewLedgerStore(db), core.SystemClock{})
	partners := make([]string, 16)
	for i := range partners {
		partners[i] = coretest.Partner(b, db, tenant)
	}
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := svc.Post(ctx, tenant, accrue(fmt.Sprintf("k%d", i), partners[i%16], "1.25")); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
