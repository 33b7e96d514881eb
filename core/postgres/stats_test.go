package postgres_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/stats"
)

func TestStats_Query(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	tenant := coretest.Tenant(t, db)
	day := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	var clicks []event.Click
	for i, p := range []struct{ partner, sub1, country string }{
		{"prt_a", "x", "DE"}, {"prt_a", "x", "DE"}, {"prt_a", "y", "US"}, {"prt_b", "z", "US"},
	} {
		c := mkClick(tenant, day.Add(time.Duration(i)*time.Minute), "81.2.69."+string(rune('1'+i)))
		c.PartnerID, c.Subs[0], c.Country = p.partner, p.sub1, p.country
		clicks = append(clicks, c)
	}
	if err := postgres.NewClickStore(db).WriteClicks(ctx, [][]event.Click{clicks}); err != nil {
		t.Fatal(err)
	}
	conv := func(id, click, partner, sub1, status, revenue string, test, fraud bool) {
		_, err := db.Pool.Exec(ctx, `INSERT INTO conversions (id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id,
			partner_id, sub1, country, event, status, revenue, currency, default_payout, payout_currency, test, fraud, created_at)
			SELECT $1,$2,$1,$3,$4,'cmp_1','off_1',$5,$6,c.country,'conversion',$7,$8,'USD',2,'USD',$9,$10,$4 FROM clicks c WHERE c.id=$3`,
			id, tenant, click, day.Add(time.Hour), partner, sub1, status, revenue, test, fraud)
		if err != nil {
			t.Fatal(err)
		}
	}
	conv("c1", clicks[0].ID, "prt_a", "x", "approved", "10", false, false)
	conv("c2", clicks[1].ID, "prt_a", "x", "pending", "7", false, false)   // counted, no money yet
	conv("c3", clicks[2].ID, "prt_a", "y", "approved", "100", true, false) // test: left out
	conv("c4", clicks[3].ID, "prt_b", "z", "approved", "50", false, true)  // fraud: no money
	st := postgres.NewStatsStore(db)
	svc := stats.NewService(st, st)
	q := stats.Query{From: day.Add(-time.Hour), To: day.Add(24 * time.Hour)}

	total, err := svc.Query(ctx, tenant, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(total) != 1 || total[0].Clicks != 4 || total[0].UniqueClicks != 4 || total[0].Conversions != 3 ||
		total[0].Revenue.String() != "10.00" || total[0].Payout.String() != "2.00" || total[0].Profit.String() != "8.00" ||
		total[0].CR.String() != "75.00" || total[0].EPC.String() != "2.50" {
		t.Fatalf("total = %+v", total)
	}
	q.GroupBy = []stats.Dim{stats.Day, stats.Partner, stats.Sub1}
	rows, err := svc.Query(ctx, tenant, q)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := stats.WriteCSV(&buf, q.GroupBy, rows); err != nil {
		t.Fatal(err)
	}
	want := "day,partner,sub1,clicks,unique_clicks,conversions,revenue,payout,profit,cr,epc\n" +
		"2026-03-10,prt_a,x,2,2,2,10.00,2.00,8.00,100.00,5.00\n" +
		"2026-03-10,prt_a,y,1,1,0,0.00,0.00,0.00,0.00,0.00\n" +
		"2026-03-10,prt_b,z,1,1,1,0.00,0.00,0.00,100.00,0.00\n"
	if buf.String() != want {
		t.Fatalf("csv:\n%s\nwant:\n%s", buf.String(), want)
	}
	q.GroupBy, q.PartnerID = []stats.Dim{stats.Country}, "prt_b"
	rows, _ = svc.Query(ctx, tenant, q)
	if len(rows) != 1 || rows[0].Keys[0] != "US" || rows[0].Clicks != 1 {
		t.Fatalf("partner rows = %+v", rows)
	}
	if rows, _ := svc.Query(ctx, "ten_other", stats.Query{From: q.From, To: q.To}); rows[0].Clicks != 0 {
		t.Fatalf("another tenant sees clicks: %+v", rows)
	}
	for _, bad := range []stats.Query{{From: q.To, To: q.From}, {From: q.From, To: q.To, GroupBy: []stats.Dim{"nope"}}} {
		if _, err := svc.Query(ctx, tenant, bad); core.KindOf(err) != core.KindInvalid {
			t.Fatalf("query %+v: %v", bad, err)
		}
	}
}

func TestWriteCSV_DefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	_ = stats.WriteCSV(&buf, []stats.Dim{stats.Sub1}, []stats.Row{{Keys: []string{"=HYPERLINK(1)"}}})
	if !strings.Contains(buf.String(), "'=HYPERLINK(1)") {
		t.Fatalf("csv = %s", buf.String())
	}
}
