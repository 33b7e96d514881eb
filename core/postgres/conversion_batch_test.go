package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postgres"
)

// batchClick is a stored click of tenant on offer.
func batchClick(t *testing.T, db *postgres.DB, tenant core.TenantID, offer string, at time.Time) event.Click {
	t.Helper()
	at = at.UTC().Truncate(time.Millisecond)
	c := event.Click{ID: core.NewIDAt("clk", at), TenantID: tenant, At: at, CampaignID: "cmp_b", OfferID: offer,
		PartnerID: "prt_b", SourceID: "src_b", Country: "FR", Device: "desktop", Subs: [5]string{"a", "", "c"}, Fraud: true}
	if err := postgres.NewClickStore(db).WriteClicks(context.Background(), [][]event.Click{{c}}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConversionStore_Attribution(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewConversionStore(db)
	a, b := coretest.Tenant(t, db), coretest.Tenant(t, db)
	now := time.Now()
	ca, old := batchClick(t, db, a, "off_1", now), batchClick(t, db, a, "off_1", now.Add(-49*time.Hour))
	cb := batchClick(t, db, b, "off_2", now)
	refs := []conversion.ClickRef{
		{TenantID: a, ID: ca.ID, At: ca.At}, {TenantID: a, ID: old.ID, At: old.At},
		{TenantID: a, ID: cb.ID, At: cb.At},                                      // another tenant's click
		{TenantID: a, ID: core.NewID("clk"), At: now.Truncate(time.Millisecond)}, // not stored (yet)
	}
	got, err := s.Attribution(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("found %d clicks; want the tenant's 2: %+v", len(got), got)
	}
	for _, c := range got {
		want := map[string]event.Click{ca.ID: ca, old.ID: old}[c.ID]
		if c.TenantID != a || !c.At.Equal(want.At) || c.CampaignID != want.CampaignID || c.OfferID != want.OfferID ||
			c.PartnerID != want.PartnerID || c.SourceID != want.SourceID || c.Country != "FR" || c.Device != "desktop" ||
			c.Subs != want.Subs || !c.Fraud {
			t.Fatalf("click %+v; want the fields of %+v", c, want)
		}
	}
}

func TestConversionStore_CreateMany(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewConversionStore(db)
	tenant := coretest.Tenant(t, db)
	o, err := catalog.NewService(postgres.NewCatalogStore(db), nil, core.SystemClock{}).CreateOffer(ctx, tenant,
		catalog.Offer{Name: "O", URL: "https://shop.example/", Payout: core.MustParseDecimal("3.5")})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	mk := func(tx string) (conversion.Conversion, conversion.LogEntry) {
		c := conversion.Conversion{ID: core.NewID("cnv"), TenantID: tenant, DedupeKey: "tx:" + tx, ClickID: core.NewID("clk"),
			ClickedAt: now, CampaignID: "cmp_1", OfferID: o.ID, Event: "conversion", TxID: tx, Status: event.StatusApproved,
			Revenue: core.MustParseDecimal("12.5"), Currency: "EUR", Seq: 1, CreatedAt: now, UpdatedAt: now}
		return c, conversion.LogEntry{ID: core.NewID("pbi"), TenantID: tenant, ReceivedAt: now, Method: "GET", IP: "198.51.100.7",
			Query: "tx_id=" + tx, ClickID: c.ClickID}
	}
	// A key stored before, and one key twice in the batch: only the first of
	// each new key is created.
	known, knownLog := mk("KNOWN")
	if _, err := s.Apply(ctx, known, knownLog); err != nil {
		t.Fatal(err)
	}
	var cs []conversion.Conversion
	var logs []conversion.LogEntry
	for _, tx := range []string{"B", "A", "KNOWN", "A", "C"} {
		c, l := mk(tx)
		cs, logs = append(cs, c), append(logs, l)
	}
	created, err := s.CreateMany(ctx, cs, logs)
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, true, false, false, true}; len(created) != len(want) ||
		created[0] != want[0] || created[1] != want[1] || created[2] != want[2] || created[3] != want[3] || created[4] != want[4] {
		t.Fatalf("created = %v; want %v", created, want)
	}
	for i, c := range cs {
		if created[i] && (c.Payout.String() != "3.50" || c.PayoutCurrency != "USD") {
			t.Fatalf("created %s: payout %s %s; want the offer's 3.50 USD", c.TxID, c.Payout, c.PayoutCurrency)
		}
	}
	checkCreated(t, db, tenant, cs, logs, created)
}

// checkCreated checks the rows CreateMany wrote: each created conversion
// with its first transition (the event as payload) and its log entry, and
// nothing for the others.
func checkCreated(t *testing.T, db *postgres.DB, tenant core.TenantID, cs []conversion.Conversion, logs []conversion.LogEntry, created []bool) {
	t.Helper()
	ctx := context.Background()
	for i, c := range cs {
		var n, nt, nl int
		var payload []byte
		_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM conversions WHERE id=$1 AND revenue=12.5 AND status='approved'`, c.ID).Scan(&n)
		_ = db.Pool.QueryRow(ctx, `SELECT count(*), max(payload::text) FROM conversion_transitions WHERE conversion_id=$1 AND seq=1 AND published_at IS NULL`, c.ID).Scan(&nt, &payload)
		_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM postbacks_incoming WHERE tenant_id=$1 AND id=$2 AND result='created' AND conversion_id=$3`, tenant, logs[i].ID, c.ID).Scan(&nl)
		want := 0
		if created[i] {
			want = 1
		}
		if n != want || nt != want || nl != want {
			t.Fatalf("%s: %d conversions, %d transitions, %d log entries; want %d of each", c.TxID, n, nt, nl, want)
		}
		if created[i] {
			var ev event.Conversion
			if err := json.Unmarshal(payload, &ev); err != nil || ev.ConversionID != c.ID || ev.TxID != c.TxID || ev.Seq != 1 ||
				ev.Revenue.String() != "12.50" || ev.PrevStatus != "" {
				t.Fatalf("%s: payload %s (%v)", c.TxID, payload, err)
			}
		}
	}
}
