package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postgres"
)

// BenchmarkWriteClicks measures one ingest transaction of 5000 new clicks in
// messages of 50 (as the click path batches them under load), every click
// from a new IP.
func BenchmarkWriteClicks(b *testing.B) {
	db := coretest.DB(b)
	s := postgres.NewClickStore(db)
	now := time.Now().UTC()
	i := 0
	batch := make([]event.Click, 5000)
	for b.Loop() {
		for j := range batch {
			at := now.Add(time.Duration(i) * time.Microsecond).Truncate(time.Millisecond)
			batch[j] = event.Click{ID: core.NewIDAt("clk", at), TenantID: "ten_b", At: at, CampaignID: fmt.Sprint("cmp_", i%20),
				OfferID: "off_1", IP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), Device: "mobile", Country: "GB", Route: "offer"}
			i++
		}
		groups := make([][]event.Click, 0, len(batch)/50)
		for j := 0; j < len(batch); j += 50 {
			groups = append(groups, batch[j:j+50])
		}
		if err := s.WriteClicks(context.Background(), groups); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "clicks/s")
}
