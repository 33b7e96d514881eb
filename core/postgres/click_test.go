package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postgres"
)

func mkClick(tenant core.TenantID, at time.Time, ip string) event.Click {
	at = at.Truncate(time.Millisecond)
	return event.Click{ID: core.NewIDAt("clk", at), TenantID: tenant, At: at, CampaignID: "cmp_1", OfferID: "off_1",
		PartnerID: "prt_1", IP: ip, Country: "DE", Device: "mobile", Subs: [5]string{"s1"}, Route: "offer",
		Params: map[string]string{"utm": "x"}}
}

// one makes each click a stream message of its own.
func one(clicks ...event.Click) [][]event.Click {
	groups := make([][]event.Click, len(clicks))
	for i := range clicks {
		groups[i] = clicks[i : i+1]
	}
	return groups
}

type rollup struct{ clicks, uniques, fraud int64 }

func rollups(t *testing.T, db *postgres.DB, tenant core.TenantID) rollup {
	t.Helper()
	var r rollup
	err := db.Pool.QueryRow(context.Background(), `SELECT coalesce(sum(clicks),0), coalesce(sum(unique_clicks),0), coalesce(sum(fraud_clicks),0)
		FROM click_stats_hourly WHERE tenant_id=$1`, tenant).Scan(&r.clicks, &r.uniques, &r.fraud)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func countClicks(t *testing.T, db *postgres.DB, tenant core.TenantID) (n, uniques int64) {
	t.Helper()
	err := db.Pool.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE is_unique) FROM clicks WHERE tenant_id=$1`, tenant).Scan(&n, &uniques)
	if err != nil {
		t.Fatal(err)
	}
	return n, uniques
}

// wantStored checks the tenant's stored clicks (how many, how many unique)
// and its rollups against want.
func wantStored(t *testing.T, db *postgres.DB, tenant core.TenantID, want rollup) {
	t.Helper()
	if n, uniques := countClicks(t, db, tenant); n != want.clicks || uniques != want.uniques {
		t.Fatalf("clicks %d, unique %d; want %d, %d", n, uniques, want.clicks, want.uniques)
	}
	if r := rollups(t, db, tenant); r != want {
		t.Fatalf("rollups %+v; want %+v", r, want)
	}
}

func TestClickStore_WriteClicks(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewClickStore(db)
	tenant := core.TenantID("ten_a")
	now := time.Now().UTC()
	batch := []event.Click{
		mkClick(tenant, now.Add(-2*time.Second), "81.2.69.1"),
		mkClick(tenant, now.Add(-1*time.Second), "81.2.69.1"), // same IP + campaign: not unique
		mkClick(tenant, now, "81.2.69.2"),
		mkClick(tenant, now.Add(-48*time.Hour), "81.2.69.9"), // another day: another partition
	}
	batch[2].Fraud = true
	if err := s.WriteClicks(ctx, [][]event.Click{batch[:2], batch[2:]}); err != nil {
		t.Fatal(err)
	}
	t.Run("redelivery-counts-once", func(t *testing.T) {
		if err := s.WriteClicks(ctx, [][]event.Click{batch[:2], batch[2:]}); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteClicks(ctx, one(batch...)); err != nil {
			t.Fatal(err)
		}
		wantStored(t, db, tenant, rollup{4, 3, 1})
	})
	t.Run("unique-again-after-24h", func(t *testing.T) {
		later := mkClick(tenant, now.Add(25*time.Hour), "81.2.69.1")
		if err := s.WriteClicks(ctx, one(later)); err != nil {
			t.Fatal(err)
		}
		if _, uniques := countClicks(t, db, tenant); uniques != 4 {
			t.Fatalf("unique %d; want 4", uniques)
		}
	})
	// A message that repeats a stored click behind a new one (the click path
	// never does this) still stores the new click once and counts it once.
	t.Run("stored-click-in-a-new-message", func(t *testing.T) {
		fresh := mkClick(tenant, now.Add(time.Second), "81.2.69.3")
		if err := s.WriteClicks(ctx, [][]event.Click{{fresh, batch[0], batch[3]}}); err != nil {
			t.Fatal(err)
		}
		wantStored(t, db, tenant, rollup{6, 5, 1})
	})
	t.Run("read-back", func(t *testing.T) {
		c, err := s.Click(ctx, tenant, batch[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.IP != "81.2.69.1" || c.Params["utm"] != "x" || !c.At.Equal(batch[0].At) || c.Subs[0] != "s1" {
			t.Fatalf("click = %+v", c)
		}
		if _, err := s.Click(ctx, "ten_other", batch[0].ID); core.KindOf(err) != core.KindNotFound {
			t.Fatalf("another tenant read the click: %v", err)
		}
	})
}

func TestClickStore_ConcurrentBatchesNoDoubleCount(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewClickStore(db)
	now := time.Now().UTC()
	var batch []event.Click
	for i := range 2000 {
		batch = append(batch, mkClick("ten_c", now.Add(time.Duration(i)*time.Millisecond), "10.0.0."+string(rune('0'+i%10))))
	}
	var wg sync.WaitGroup
	groups := [][]event.Click{batch[:700], batch[700:1400], batch[1400:]}
	for range 4 { // the same messages delivered four times at once
		wg.Go(func() {
			if err := s.WriteClicks(ctx, groups); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n, _ := countClicks(t, db, "ten_c"); n != 2000 {
		t.Fatalf("%d clicks; want 2000", n)
	}
	if r := rollups(t, db, "ten_c"); r.clicks != 2000 {
		t.Fatalf("rollups count %d clicks; want 2000", r.clicks)
	}
}

func TestClickStore_SnapshotAndLinkKey(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	tenant := coretest.Tenant(t, db)
	partner := coretest.Partner(t, db, tenant)
	svc := catalog.NewService(postgres.NewCatalogStore(db), nil, core.SystemClock{})
	o, err := svc.CreateOffer(ctx, tenant, catalog.Offer{Name: "Shoes", URL: "https://shop.example/?c={click_id}",
		Payout: core.MustParseDecimal("2.5"), Countries: []string{"de"}, DailyCap: 1, FallbackURL: "https://fb.example/"})
	if err != nil {
		t.Fatal(err)
	}
	lnd, err := svc.CreateLanding(ctx, tenant, catalog.Landing{Name: "LP", URL: "https://lp.example/{click_id}"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := svc.CreateCampaign(ctx, tenant, catalog.Campaign{Name: "C", OfferID: o.ID, LandingID: lnd.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetGrants(ctx, tenant, partner, []string{o.ID}); err != nil {
		t.Fatal(err)
	}
	store := postgres.NewClickStore(db)
	snap, err := store.LoadSnapshot(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := snap.Routes[c.ID]
	if r == nil || !r.Serving || r.Destination != lnd.URL || r.Fallback != "https://fb.example/" || r.Capped ||
		!r.Partners[partner] || len(r.Countries) != 1 || r.Countries[0] != "DE" || r.TenantID != tenant {
		t.Fatalf("route = %+v", r)
	}
	// One conversion reaches the daily cap of 1.
	_, err = db.Pool.Exec(ctx, `INSERT INTO conversions (id, tenant_id, dedupe_key, click_id, clicked_at, campaign_id, offer_id, event, status, revenue, currency)
		VALUES ('cnv_1', $1, 'tx:1', 'clk_1', now(), $2, $3, 'conversion', 'approved', 1, 'USD')`, tenant, c.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteOffer(ctx, tenant, "off_missing"); core.KindOf(err) != core.KindNotFound {
		t.Fatalf("delete missing offer: %v", err)
	}
	snap, _ = store.LoadSnapshot(ctx, time.Now())
	if !snap.Routes[c.ID].Capped {
		t.Fatal("offer at its daily cap is not capped")
	}
	if err := svc.DeleteCampaign(ctx, tenant, c.ID); err != nil {
		t.Fatal(err)
	}
	if snap, _ = store.LoadSnapshot(ctx, time.Now()); snap.Routes[c.ID] != nil {
		t.Fatal("archived campaign still routed")
	}
	k1, err := store.LinkKey(ctx)
	k2, _ := store.LinkKey(ctx)
	if err != nil || len(k1) != 32 || string(k1) != string(k2) {
		t.Fatalf("link key %x / %x, %v", k1, k2, err)
	}
}

func TestClickStore_Maintenance(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewClickStore(db)
	day := time.Date(2030, 1, 30, 15, 0, 0, 0, time.UTC)
	if err := s.EnsurePartitions(ctx, day, 3); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsurePartitions(ctx, day, 3); err != nil { // again: no error
		t.Fatal(err)
	}
	var n int
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname IN ('clicks_20300130', 'clicks_20300131', 'clicks_20300201')`).Scan(&n)
	if n != 3 {
		t.Fatalf("%d of 3 partitions exist", n)
	}
	old, fresh := mkClick("ten_m", day.Add(-72*time.Hour), "10.9.9.9"), mkClick("ten_m", day, "10.9.9.8")
	if err := s.WriteClicks(ctx, one(old, fresh)); err != nil {
		t.Fatal(err)
	}
	if err := s.PruneUniques(ctx, day.Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM click_uniques`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d uniqueness windows left; want 1", n)
	}
}
