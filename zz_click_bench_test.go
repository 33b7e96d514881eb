package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/affcore/affcore/core/geo/geotest"
)

func BenchmarkZZClick(b *testing.B) {
	s := newBenchSetup(b)
	addr := freeAddrB(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	vars := map[string]string{"DATABASE_URL": s.url, "AFFCORE_GEOIP_DB": geotest.CityDB(b, geotest.Places), "AFFCORE_GEOIP_ASN_DB": geotest.ASNDB(b, geotest.Places)}
	var out syncBuffer
	go func() {
		_ = run(ctx, []string{"affcore", "serve", "--addr", addr, "--log-level", "warn", "--data-dir", filepath.Join(b.TempDir(), "d")}, env(vars), &out, &out)
	}()
	waitReadyB(b, addr)
	for b.Loop() {
		r := closedLoop("http://"+addr+"/api/v1/track/"+s.campaign+"?sub1=x", benchConns, 5*time.Second, http.StatusFound)
		b.ReportMetric(r, "clicks/s")
	}
}
