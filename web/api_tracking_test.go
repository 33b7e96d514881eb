package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestCatalog_Scenarios covers the advertiser catalogue routes and who may
// use them.
func TestCatalog_Scenarios(t *testing.T) {
	e := newTrackingEnv(t)
	offer := e.create(t, tokOwnerA, "/api/v1/offers", `{"name":"Shoes","url":"https://shop.example/?c={click_id}&s={sub1}","payout":"4.50","currency":"eur"}`)
	landing := e.create(t, tokOwnerA, "/api/v1/landings", `{"name":"LP","url":"https://lp.example/{click_id}"}`)
	source := e.create(t, tokOwnerA, "/api/v1/sources", `{"name":"Newsletter"}`)
	campaign := e.create(t, tokOwnerA, "/api/v1/campaigns", `{"name":"Spring","offer_id":"`+offer+`","landing_id":"`+landing+`","source_id":"`+source+`"}`)
	offerB := e.create(t, tokOwnerB, "/api/v1/offers", `{"name":"B's","url":"https://b.example/","payout":1}`)

	for _, sc := range []scenario{
		{name: "offer-create-401", method: "POST", url: "/api/v1/offers", body: `{}`, wantStatus: 401},
		{name: "offer-create-400-fields", method: "POST", url: "/api/v1/offers", token: tokOwnerA,
			body: `{"name":"","url":"ftp://x","payout":"-1","currency":"$","daily_cap":5}`, wantStatus: 400,
			wantContent: []string{`"field":"name"`, `"field":"url"`, `"field":"payout"`, `"field":"currency"`, `"field":"fallback_url"`}},
		{name: "offer-create-400-payout-type", method: "POST", url: "/api/v1/offers", token: tokOwnerA,
			body: `{"name":"x","url":"https://x.example/","payout":"ten"}`, wantStatus: 400, wantContent: []string{`"field":"payout"`}},
		{name: "offer-create-400-unknown-field", method: "POST", url: "/api/v1/offers", token: tokOwnerA,
			body: `{"name":"x","url":"https://x.example/","nope":1}`, wantStatus: 400, wantContent: []string{`"field":"nope"`}},
		{name: "offer-get", method: "GET", url: "/api/v1/offers/" + offer, token: tokOwnerA, wantStatus: 200,
			wantContent: []string{`"payout":"4.50"`, `"currency":"EUR"`, `"status":"active"`}},
		{name: "offer-list-own-only", method: "GET", url: "/api/v1/offers", token: tokOwnerA, wantStatus: 200,
			wantContent: []string{offer}, notContent: []string{offerB}},
		{name: "offer-update", method: "PUT", url: "/api/v1/offers/" + offer, token: tokOwnerA, wantStatus: 200,
			body:        `{"name":"Shoes 2","url":"https://shop.example/?c={click_id}&s={sub1}","payout":5,"currency":"EUR"}`,
			wantContent: []string{`"name":"Shoes 2"`, `"payout":"5.00"`}},
		{name: "analyst-reads", method: "GET", url: "/api/v1/offers/" + offer, token: tokAnalystA, wantStatus: 200},
		{name: "analyst-cannot-write-403", method: "PUT", url: "/api/v1/offers/" + offer, token: tokAnalystA, body: `{}`, wantStatus: 403},
		{name: "campaign-tracking-url", method: "GET", url: "/api/v1/campaigns/" + campaign, token: tokOwnerA, wantStatus: 200,
			wantContent: []string{`"tracking_url":"http://127.0.0.1`, `/api/v1/track/` + campaign, `"landing_id":"` + landing}},
		{name: "campaign-other-tenant-offer-400", method: "POST", url: "/api/v1/campaigns", token: tokOwnerA,
			body: `{"name":"x","offer_id":"` + offerB + `"}`, wantStatus: 400, wantContent: []string{`"field":"offer_id"`}},
		{name: "landing-in-use-409", method: "DELETE", url: "/api/v1/landings/" + landing, token: tokOwnerA, wantStatus: 409},
		{name: "source-update", method: "PUT", url: "/api/v1/sources/" + source, token: tokOwnerA, body: `{"name":"NL"}`,
			wantStatus: 200, wantContent: []string{`"name":"NL"`}},
		{name: "grants-unknown-offer-400", method: "PUT", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA,
			body: `{"offer_ids":["` + offerB + `"]}`, wantStatus: 400, wantContent: []string{`"field":"offer_ids"`}},
		{name: "grants", method: "PUT", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA,
			body: `{"offer_ids":["` + offer + `"]}`, wantStatus: 200, wantContent: []string{offer}},
		{name: "grants-read", method: "GET", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA,
			wantStatus: 200, wantContent: []string{`"offer_ids":["` + offer + `"]`}},
		{name: "grants-unknown-partner-404", method: "GET", url: "/api/v1/partners/prt_nope/offers", token: tokOwnerA, wantStatus: 404},
		{name: "grants-revoke-all", method: "PUT", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA,
			body: `{"offer_ids":[]}`, wantStatus: 200, wantContent: []string{`"offer_ids":[]`}},
		{name: "grants-revoked", method: "GET", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA,
			wantStatus: 200, wantContent: []string{`"offer_ids":[]`}},
		{name: "grants-again", method: "PUT", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA,
			body: `{"offer_ids":["` + offer + `"]}`, wantStatus: 200, wantContent: []string{offer}},
		{name: "offer-delete", method: "DELETE", url: "/api/v1/offers/" + offerB, token: tokOwnerB, wantStatus: 204},
		{name: "offer-deleted-is-archived", method: "GET", url: "/api/v1/offers/" + offerB, token: tokOwnerB, wantStatus: 200,
			wantContent: []string{`"status":"archived"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, e.srv) })
	}
	t.Run("every-route-denies-strangers", func(t *testing.T) {
		denyStrangers(t, e, map[string]string{"{offer}": offer, "{landing}": landing, "{source}": source,
			"{campaign}": campaign, "{partner}": e.partnerA})
	})
}

// denyStrangers checks every authenticated tracking route: another tenant's
// owner gets 404 for tenant A's ids (and never sees its data in lists),
// partners get 403 on advertiser routes, and a key without the scope 403.
func denyStrangers(t *testing.T, e *trackingEnv, ids map[string]string) {
	fill := func(s string) string {
		for k, v := range ids {
			s = strings.ReplaceAll(s, k, v)
		}
		return s
	}
	type route struct{ method, url, body string }
	byID := []route{
		{"GET", "/api/v1/offers/{offer}", ""}, {"PUT", "/api/v1/offers/{offer}", `{"name":"x","url":"https://x.example/"}`},
		{"DELETE", "/api/v1/offers/{offer}", ""},
		{"GET", "/api/v1/landings/{landing}", ""}, {"PUT", "/api/v1/landings/{landing}", `{"name":"x","url":"https://x.example/"}`},
		{"DELETE", "/api/v1/landings/{landing}", ""},
		{"GET", "/api/v1/sources/{source}", ""}, {"PUT", "/api/v1/sources/{source}", `{"name":"x"}`},
		{"DELETE", "/api/v1/sources/{source}", ""},
		{"GET", "/api/v1/campaigns/{campaign}", ""}, {"PUT", "/api/v1/campaigns/{campaign}", `{"name":"x","offer_id":"{offer}"}`},
		{"DELETE", "/api/v1/campaigns/{campaign}", ""},
		{"PUT", "/api/v1/partners/{partner}/offers", `{"offer_ids":[]}`}, {"GET", "/api/v1/partners/{partner}/offers", ""},
	}
	lists := []route{{"GET", "/api/v1/offers", ""}, {"GET", "/api/v1/landings", ""}, {"GET", "/api/v1/sources", ""},
		{"GET", "/api/v1/campaigns", ""}, {"GET", "/api/v1/conversions", ""}, {"GET", "/api/v1/postbacks/incoming", ""},
		{"GET", "/api/v1/stats?group_by=campaign", ""}}
	creates := []route{{"POST", "/api/v1/offers", `{}`}, {"POST", "/api/v1/landings", `{}`}, {"POST", "/api/v1/sources", `{}`},
		{"POST", "/api/v1/campaigns", `{}`}}
	for _, r := range byID {
		scenario{method: r.method, url: fill(r.url), body: fill(r.body), token: tokOwnerB, wantStatus: 404}.run(t, e.srv)
	}
	for _, r := range lists {
		scenario{method: r.method, url: r.url, token: tokOwnerB, wantStatus: 200, notContent: []string{ids["{offer}"], ids["{campaign}"]}}.run(t, e.srv)
	}
	for _, r := range append(append(byID, lists...), creates...) {
		scenario{method: r.method, url: fill(r.url), body: fill(r.body), token: tokPartnerA, wantStatus: 403}.run(t, e.srv)
		if !strings.HasPrefix(r.url, "/api/v1/stats") && !strings.HasPrefix(r.url, "/api/v1/conversions") && !strings.HasPrefix(r.url, "/api/v1/postbacks") {
			scenario{method: r.method, url: fill(r.url), body: fill(r.body), token: tokKeyA, wantStatus: 403}.run(t, e.srv)
		}
	}
	for _, r := range []route{{"GET", "/api/v1/me/offers", ""}, {"POST", "/api/v1/me/links", `{"offer_id":"{offer}"}`}, {"GET", "/api/v1/me/stats", ""}} {
		scenario{method: r.method, url: r.url, body: fill(r.body), token: tokOwnerA, wantStatus: 403}.run(t, e.srv)
		scenario{method: r.method, url: r.url, body: fill(r.body), wantStatus: 401}.run(t, e.srv)
	}
	scenario{method: "POST", url: "/api/v1/me/links", body: fill(`{"offer_id":"{offer}"}`), token: tokPartnerB, wantStatus: 404}.run(t, e.srv)
}

// TestTracking_EndToEnd is the user's path: offer, campaign, grant, partner
// link, click, postback, stats — for advertiser and partner.
func TestTracking_EndToEnd(t *testing.T) {
	e := newTrackingEnv(t)
	offer := e.create(t, tokOwnerA, "/api/v1/offers", `{"name":"Shoes","url":"https://shop.example/buy?cid={click_id}&s1={sub1}&geo={country}","payout":"3"}`)
	other := e.create(t, tokOwnerA, "/api/v1/offers", `{"name":"Secret","url":"https://secret.example/","payout":"9"}`)
	campaign := e.create(t, tokOwnerA, "/api/v1/campaigns", `{"name":"Direct","offer_id":"`+offer+`"}`)
	scenario{method: "PUT", url: "/api/v1/partners/" + e.partnerA + "/offers", token: tokOwnerA, body: `{"offer_ids":["` + offer + `"]}`, wantStatus: 200}.run(t, e.srv)

	scenario{method: "GET", url: "/api/v1/me/offers", token: tokPartnerA, wantStatus: 200, wantContent: []string{offer, `"payout":"3.00"`},
		notContent: []string{other, "fallback_url"}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/me/offers", token: tokPartnerA2, wantStatus: 200, notContent: []string{offer}}.run(t, e.srv)
	scenario{method: "POST", url: "/api/v1/me/links", token: tokPartnerA, body: `{"offer_id":"` + other + `"}`, wantStatus: 404}.run(t, e.srv)
	scenario{method: "POST", url: "/api/v1/me/links", token: tokPartnerA2, body: `{"offer_id":"` + offer + `"}`, wantStatus: 404}.run(t, e.srv)
	b := scenario{method: "POST", url: "/api/v1/me/links", token: tokPartnerA, body: `{"offer_id":"` + offer + `","sub1":"fb ads"}`, wantStatus: 200}.run(t, e.srv)
	var link struct{ URL string }
	decodeJSON(t, b, &link)
	u, err := url.Parse(link.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/c/") || u.Query().Get("sub1") != "fb ads" {
		t.Fatalf("link = %q", link.URL)
	}

	// The partner's visitor clicks (from London), with an extra parameter.
	res := e.do(t, "GET", u.RequestURI()+"&utm_source=x", map[string]string{"X-Test-IP": "81.2.69.160", "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"})
	loc := res.Header.Get("Location")
	if res.StatusCode != 302 || !strings.HasPrefix(loc, "https://shop.example/buy?cid=clk_") || !strings.HasSuffix(loc, "&s1=fb+ads&geo=GB") {
		t.Fatalf("click: %d %q", res.StatusCode, loc)
	}
	clickID := strings.TrimPrefix(strings.Split(loc, "&")[0], "https://shop.example/buy?cid=")

	for name, path := range map[string]string{
		"forged-token":     "/c/" + strings.Replace(strings.TrimPrefix(u.Path, "/c/"), "A", "B", 1) + "x",
		"garbage-token":    "/c/nothing-here",
		"unknown-campaign": "/api/v1/track/cmp_unknown",
	} {
		if r := e.do(t, "GET", path, nil); r.StatusCode != 404 {
			t.Errorf("%s: status %d; want 404", name, r.StatusCode)
		}
	}
	if r := e.do(t, "GET", "/api/v1/track/"+campaign+"?sub1=%zz&sub2=ok", nil); r.StatusCode != 302 {
		t.Fatalf("direct campaign link with a malformed sub-id: %d", r.StatusCode)
	}
	scenario{method: "POST", url: "/api/v1/track?campaign_id=" + campaign, body: `{"ip":"8.8.8.8","user_agent":"curl/8"}`,
		wantStatus: 200, wantContent: []string{`"click_id":"clk_`, `"url":"https://shop.example/buy?cid=clk_`, "geo=US"}}.run(t, e.srv)
	scenario{method: "POST", url: "/api/v1/track", wantStatus: 400, wantContent: []string{`"field":"campaign_id"`}}.run(t, e.srv)

	// The advertiser's postback, immediately (the click may not be in PostgreSQL yet).
	pb := "/api/v1/postback?token=" + e.postbackA + "&click_id=" + clickID + "&payout=20&tx_id=order-1"
	scenario{method: "GET", url: pb, wantStatus: 200, wantContent: []string{`"result":"created"`, `"conversion_id":"cnv_`}}.run(t, e.srv)
	scenario{method: "GET", url: pb, wantStatus: 200, wantContent: []string{`"result":"duplicate"`}}.run(t, e.srv)
	scenario{method: "POST", url: "/api/v1/postback", body: "", wantStatus: 401}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/postback?token=" + e.postbackA, wantStatus: 400, wantContent: []string{`"field":"click_id"`}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/postback?token=" + e.postbackA + "&click_id=clk_01m7zgsa2amh7sjkn03hn90zqk", wantStatus: 404}.run(t, e.srv)

	// Stats: the advertiser sees 3 clicks, one conversion and its money.
	row := e.waitStats(t, tokOwnerA, "/api/v1/stats", func(r map[string]any) bool { return r["clicks"] == float64(3) })
	if row["conversions"] != float64(1) || row["revenue"] != "20.00" || row["payout"] != "3.00" || row["profit"] != "17.00" {
		t.Fatalf("advertiser stats = %v", row)
	}
	row = e.waitStats(t, tokPartnerA, "/api/v1/me/stats?group_by=country,device", func(r map[string]any) bool { return r["clicks"] == float64(1) })
	if row["country"] != "GB" || row["device"] != "mobile" || row["payout"] != "3.00" || row["epc"] != "3.00" || row["revenue"] != nil {
		t.Fatalf("partner stats = %v", row)
	}
	scenario{method: "GET", url: "/api/v1/me/stats", token: tokPartnerA2, wantStatus: 200, wantContent: []string{`"clicks":0`}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/stats?group_by=sub1&format=csv", token: tokKeyA, wantStatus: 200,
		wantHeader:  map[string]string{"Content-Type": "text/csv"},
		wantContent: []string{"sub1,clicks,unique_clicks", "fb ads,1,1,1,20.00,3.00,17.00"}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/stats?from=yesterday&format=xml", token: tokOwnerA, wantStatus: 400,
		wantContent: []string{`"field":"from"`, `"field":"format"`}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/stats?group_by=weekday", token: tokOwnerA, wantStatus: 400,
		wantContent: []string{`"field":"group_by"`}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/conversions", token: tokOwnerA, wantStatus: 200,
		wantContent: []string{clickID, `"revenue":"20.00"`, `"status":"approved"`}}.run(t, e.srv)
	scenario{method: "GET", url: "/api/v1/postbacks/incoming", token: tokOwnerA, wantStatus: 200,
		wantContent: []string{`"result":"created"`, `"result":"duplicate"`, `"result":"unknown_click"`, `"result":"invalid"`},
		notContent:  []string{e.postbackA}}.run(t, e.srv)

	// Pausing the campaign without a fallback stops its links.
	scenario{method: "PUT", url: "/api/v1/campaigns/" + campaign, token: tokOwnerA, body: `{"name":"Direct","offer_id":"` + offer + `","status":"paused","fallback_url":"https://elsewhere.example/?c={click_id}"}`, wantStatus: 200}.run(t, e.srv)
	if r := e.do(t, "GET", "/api/v1/track/"+campaign, nil); r.StatusCode != 302 || !strings.HasPrefix(r.Header.Get("Location"), "https://elsewhere.example/?c=clk_") {
		t.Fatalf("paused campaign: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}
