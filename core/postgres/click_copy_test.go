package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postgres"
)

// Every column of a click survives COPY: awkward text, an IPv6 address or
// none, a time with nanoseconds (cut to microseconds, and found again by the
// redelivery probe), other parameters as JSON; text PostgreSQL would refuse
// (NUL, invalid UTF-8) is cleaned instead of failing the batch.
func TestClickStore_WriteClicksRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewClickStore(db)
	tenant := core.TenantID("ten_copy")
	at := time.Date(2026, 11, 21, 10, 11, 12, 345678999, time.FixedZone("X", 3*3600))
	awkward := "tab\there\\back\nline\rcr\x00nul «ünï» \\N end"
	full := event.Click{ID: core.NewIDAt("clk", at), TenantID: tenant, At: at, CampaignID: "cmp_\t1", OfferID: "off_1",
		PartnerID: "prt_1", SourceID: "src_1", LandingID: "lnd_1", IP: "2001:db8::1", UserAgent: awkward,
		Device: "mobile", OS: "iOS", Browser: "Safari", Country: "DE", Region: "BE", City: "Berlin", ASN: 4294967295,
		Referrer: "https://ref.example/?a=1\tb", Subs: [5]string{"s1", `s\2`, "", "s4", "\\"},
		GCLID: "g", FBCLID: "f", TTCLID: "t", Params: map[string]string{"q\"uote": "back\\slash\ttab", "utm": "x", "n\x00ul": "a\x00b"},
		Route: "offer", Score: 17, Fraud: true}
	bare := event.Click{ID: core.NewIDAt("clk", at.Add(time.Second)), TenantID: tenant, At: at.Add(time.Second),
		CampaignID: "cmp_2", OfferID: "off_1", IP: "not an address", Route: "offer", City: "bad\xffutf8"}
	v4 := event.Click{ID: core.NewIDAt("clk", at.Add(2*time.Second)), TenantID: tenant, At: at.Add(2 * time.Second),
		CampaignID: "cmp_2", OfferID: "off_1", IP: "81.2.69.1", Route: "offer"}
	for range 2 { // the second delivery is skipped: the probe finds the first click at its stored time
		if err := s.WriteClicks(ctx, [][]event.Click{{full, bare, v4}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := countClicks(t, db, tenant); n != 3 {
		t.Fatalf("clicks stored %d, want 3", n)
	}
	var v4IP string
	if err := db.Pool.QueryRow(ctx, `SELECT ip::text FROM clicks WHERE id=$1`, v4.ID).Scan(&v4IP); err != nil || v4IP != "81.2.69.1/32" {
		t.Errorf("IPv4 stored as %q (%v)", v4IP, err)
	}
	var got event.Click
	var ip *string
	var params []byte
	var score int16
	var unique bool
	err := db.Pool.QueryRow(ctx, `SELECT id, clicked_at, tenant_id, campaign_id, offer_id, partner_id, source_id, landing_id,
		host(ip), user_agent, device, os, browser, country, region, city, asn, referrer, sub1, sub2, sub3, sub4, sub5,
		gclid, fbclid, ttclid, params, route, score, fraud, is_unique FROM clicks WHERE id=$1`, full.ID).Scan(
		&got.ID, &got.At, &got.TenantID, &got.CampaignID, &got.OfferID, &got.PartnerID, &got.SourceID, &got.LandingID,
		&ip, &got.UserAgent, &got.Device, &got.OS, &got.Browser, &got.Country, &got.Region, &got.City, &got.ASN,
		&got.Referrer, &got.Subs[0], &got.Subs[1], &got.Subs[2], &got.Subs[3], &got.Subs[4], &got.GCLID, &got.FBCLID,
		&got.TTCLID, &params, &got.Route, &score, &got.Fraud, &unique)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(params, &got.Params); err != nil {
		t.Fatal(err)
	}
	if ip == nil || *ip != full.IP {
		t.Errorf("ip %v, want %s", ip, full.IP)
	}
	got.IP, got.Score = full.IP, int(score)
	want := full
	want.At = full.At.Truncate(time.Microsecond)
	want.UserAgent = "tab\there\\back\nline\rcrnul «ünï» \\N end" // NUL cannot be stored
	want.Params = map[string]string{"q\"uote": "back\\slash\ttab", "utm": "x", "nul": "ab"}
	if !got.At.Equal(want.At) {
		t.Errorf("clicked_at %v, want %v", got.At, want.At)
	}
	got.At = want.At
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("stored click\n got %s\nwant %s", gj, wj)
	}
	if !unique {
		t.Error("the first click of its campaign and IP is not unique")
	}
	var bareIP *string
	var bareParams, bareCity string
	if err := db.Pool.QueryRow(ctx, `SELECT host(ip), params::text, city FROM clicks WHERE id=$1`, bare.ID).Scan(&bareIP, &bareParams, &bareCity); err != nil {
		t.Fatal(err)
	}
	if bareIP != nil || bareParams != "{}" || bareCity != "bad\uFFFDutf8" {
		t.Errorf("click without address or parameters stored ip %v, params %s, city %q; want NULL, {}, bad\uFFFDutf8", bareIP, bareParams, bareCity)
	}
}
