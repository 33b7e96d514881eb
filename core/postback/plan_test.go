package postback_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
)

func conversion(prev, status, name string) event.Conversion {
	return event.Conversion{TenantID: "ten_a", ConversionID: "cv_1", Seq: 2, ClickID: "clk_1", CampaignID: "cmp_1",
		OfferID: "off_1", PartnerID: "prt_1", Event: name, Status: status, PrevStatus: prev,
		Revenue: core.MustParseDecimal("123.45"), Currency: "USD", TxID: "tx_9", Country: "DE",
		Subs: [5]string{"s1", "", "", "", "s5"}, OccurredAt: time.Unix(1700000000, 0).UTC()}
}

func TestTriggers(t *testing.T) {
	cases := []struct {
		c    event.Conversion
		want []string
	}{
		{conversion("", "pending", "conversion"), []string{"created", "pending", "conversion"}},
		{conversion("", "approved", "deposit"), []string{"created", "approved", "deposit"}},
		{conversion("pending", "rejected", "conversion"), []string{"rejected", "conversion"}},
		{conversion("approved", "approved", "conversion"), []string{"conversion"}},
	}
	for _, tc := range cases {
		if got := postback.Triggers(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("Triggers(%s→%s %s) = %v; want %v", tc.c.PrevStatus, tc.c.Status, tc.c.Event, got, tc.want)
		}
	}
}

func endpoint(id, offer string, events ...string) postback.Endpoint {
	return postback.Endpoint{ID: id, TenantID: "ten_a", Kind: postback.KindPartner, PartnerID: "prt_1", OfferID: offer,
		URL: "https://p.example/pb?cid={click_id}&sum={payout}", Method: "GET", Format: "url", Events: events, Enabled: true}
}

func TestPartnerTargets_OverridesWinPerEvent(t *testing.T) {
	eps := []postback.Endpoint{endpoint("global", ""), endpoint("o1-approved", "off_1", "approved"),
		endpoint("o2", "off_2")}
	ids := func(es []postback.Endpoint) (out []string) {
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	if got := ids(postback.PartnerTargets(eps, "off_1", []string{"approved", "conversion"})); !slices.Equal(got, []string{"o1-approved"}) {
		t.Errorf("approved on off_1 → %v; want the override only", got)
	}
	if got := ids(postback.PartnerTargets(eps, "off_1", []string{"created", "pending", "conversion"})); !slices.Equal(got, []string{"global"}) {
		t.Errorf("created on off_1 → %v; want the global (the override does not cover it)", got)
	}
	if got := ids(postback.PartnerTargets(eps, "off_3", []string{"rejected"})); !slices.Equal(got, []string{"global"}) {
		t.Errorf("off_3 → %v; want the global", got)
	}
	eps[0].Enabled = false
	if got := postback.PartnerTargets(eps, "off_3", []string{"rejected"}); len(got) != 0 {
		t.Errorf("disabled global fired: %v", got)
	}
}

// TestPlanPartner_NeverCarriesRevenue: a partner's job holds the partner's
// commission as payout and nothing that reveals the advertiser's revenue.
func TestPlanPartner_NeverCarriesRevenue(t *testing.T) {
	c := event.Commission{Conversion: conversion("pending", "approved", "conversion"),
		Commission: core.MustParseDecimal("7.25"), Currency: "USD", Delta: core.MustParseDecimal("7.25"), Moved: true}
	jobs := postback.PlanPartner(c, []postback.Endpoint{endpoint("pbk_1", "")}, time.Now())
	if len(jobs) != 1 {
		t.Fatalf("jobs = %d; want 1", len(jobs))
	}
	j := jobs[0]
	if j.Values["payout"] != "7.25" || j.Values["currency"] != "USD" || j.Values["sub5"] != "s5" || j.Attempt != 1 {
		t.Errorf("values = %v", j.Values)
	}
	raw, _ := json.Marshal(j)
	if strings.Contains(string(raw), "123.45") || strings.Contains(string(raw), "revenue") {
		t.Fatalf("partner job leaks revenue: %s", raw)
	}
	again := postback.PlanPartner(c, []postback.Endpoint{endpoint("pbk_1", "")}, time.Now().Add(time.Hour))
	if again[0].DeliveryID != j.DeliveryID || j.Values["idempotency_id"] != j.DeliveryID {
		t.Errorf("delivery id not stable across a redelivered event: %s vs %s", again[0].DeliveryID, j.DeliveryID)
	}
	other := endpoint("pbk_1", "")
	other.PartnerID = "prt_2"
	if jobs := postback.PlanPartner(c, []postback.Endpoint{other}, time.Now()); len(jobs) != 0 {
		t.Errorf("another partner's endpoint received the postback")
	}
	c.Conversion.Test = true
	if jobs := postback.PlanPartner(c, []postback.Endpoint{endpoint("pbk_1", "")}, time.Now()); len(jobs) != 0 {
		t.Errorf("test conversion sent to a partner")
	}
}

func TestPlanWebhooks_CarriesRevenue(t *testing.T) {
	w := postback.Endpoint{ID: "whk_1", TenantID: "ten_a", Kind: postback.KindWebhook, URL: "https://a.example/h",
		Method: "POST", Format: "json", Enabled: true, Events: []string{"approved"}}
	jobs := postback.PlanWebhooks(conversion("pending", "approved", "conversion"), []postback.Endpoint{w}, time.Now())
	if len(jobs) != 1 || jobs[0].Values["revenue"] != "123.45" || jobs[0].PartnerID != "" || jobs[0].Kind != "webhook" {
		t.Fatalf("webhook jobs = %+v", jobs)
	}
	if jobs := postback.PlanWebhooks(conversion("", "pending", "conversion"), []postback.Endpoint{w}, time.Now()); len(jobs) != 0 {
		t.Errorf("webhook subscribed to approved fired on creation")
	}
}

func TestDeliveryID_ShapeAndOrder(t *testing.T) {
	a := postback.DeliveryID("pbk_1", "cv_1.1", time.UnixMilli(1000))
	b := postback.DeliveryID("pbk_1", "cv_1.1", time.UnixMilli(2000))
	if len(a) != len("pbd_")+26 || !strings.HasPrefix(a, "pbd_") || a >= b {
		t.Fatalf("ids %s, %s: want pbd_ + 26 chars, sorted by time", a, b)
	}
	if at, ok := core.IDTime(a); !ok || at.UnixMilli() != 1000 {
		t.Errorf("IDTime(%s) = %v, %v", a, at, ok)
	}
	if postback.DeliveryID("pbk_2", "cv_1.1", time.UnixMilli(1000)) == a {
		t.Errorf("two endpoints share a delivery id")
	}
}
