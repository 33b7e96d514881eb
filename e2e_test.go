package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestE2E_ClickToCommission is the product's main path across its areas, as
// users drive it over HTTP: an advertiser creates an offer and campaign and
// invites a partner; the partner makes a link; a visitor clicks it (302);
// the advertiser's network fires the postback; the ledger books the partner's
// commission (the offer's default payout) on hold; stats show the click, the
// conversion, the revenue, and a payout equal to the ledger's commission.
func TestE2E_ClickToCommission(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@e2e.test")
	partner, partnerID := ta.partner(owner, "pat@e2e.test")
	var offer, campaign struct{ ID string }
	ta.must(201, "POST", "/api/v1/offers", owner, map[string]any{"name": "Shoes", "url": "https://shop.example/buy?cid={click_id}&s={sub1}",
		"payout": "4.50", "currency": "USD"}, &offer)
	ta.must(201, "POST", "/api/v1/campaigns", owner, map[string]any{"name": "Spring", "offer_id": offer.ID}, &campaign)
	ta.must(200, "PUT", "/api/v1/partners/"+partnerID+"/offers", owner, map[string]any{"offer_ids": []string{offer.ID}}, nil)

	// The partner's postback: {payout} must be its own commission.
	got := make(chan url.Values, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	ta.must(200, "PUT", "/api/v1/me/postback", partner, map[string]any{"url": receiver.URL + "/pb?cid={click_id}&payout={payout}&s={sub1}&st={status}", "method": "GET"}, nil)

	var link struct{ URL string }
	ta.must(200, "POST", "/api/v1/me/links", partner, map[string]any{"offer_id": offer.ID, "sub1": "fb ads"}, &link)
	u, _ := url.Parse(link.URL)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(ta.srv.URL + u.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	dest, _ := url.Parse(res.Header.Get("Location"))
	clickID := dest.Query().Get("cid")
	if res.StatusCode != http.StatusFound || dest.Host != "shop.example" || dest.Query().Get("s") != "fb ads" || !strings.HasPrefix(clickID, "clk_") {
		t.Fatalf("click: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}

	var me struct {
		PostbackToken string `json:"postback_token"`
	}
	ta.must(200, "GET", "/api/v1/me", owner, nil, &me)
	var pb struct{ Result string }
	ta.must(200, "GET", "/api/v1/postback?token="+me.PostbackToken+"&click_id="+clickID+"&payout=20.00&status=approved&tx_id=order-1", "", nil, &pb)
	if pb.Result != "created" {
		t.Fatalf("postback result %q", pb.Result)
	}

	// The ledger books the partner's commission through the bus.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var bal struct {
			Items []struct {
				Currency string
				Hold     string
			}
		}
		ta.must(200, "GET", "/api/v1/me/balances", partner, nil, &bal)
		if len(bal.Items) == 1 && bal.Items[0].Hold == "4.50" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the commission never reached the partner's hold balance: %+v", bal)
		}
		time.Sleep(100 * time.Millisecond)
	}

	select {
	case q := <-got:
		if q.Get("cid") != clickID || q.Get("payout") != "4.50" || q.Get("s") != "fb ads" || q.Get("st") != "approved" {
			t.Errorf("partner postback query = %v; want the click, payout 4.50 (the commission, not the revenue), sub1, approved", q)
		}
	case <-time.After(20 * time.Second):
		_, b := ta.call("GET", "/api/v1/postbacks/outgoing", partner, nil)
		_, b2 := ta.call("GET", "/api/v1/me/postback", partner, nil)
		t.Fatalf("the partner's postback never arrived; log %s; settings %s", b, b2)
	}

	var st struct {
		Rows []struct {
			Clicks, Conversions          int
			Revenue, Payout, Profit, EPC string
		} `json:"items"`
	}
	from := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	to := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	ta.must(200, "GET", "/api/v1/stats?from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to), owner, nil, &st)
	if len(st.Rows) != 1 || st.Rows[0].Clicks != 1 || st.Rows[0].Conversions != 1 || st.Rows[0].Revenue != "20.00" ||
		st.Rows[0].Payout != "4.50" || st.Rows[0].Profit != "15.50" {
		t.Fatalf("advertiser stats = %+v", st.Rows)
	}
	b := ta.must(200, "GET", "/api/v1/me/stats?from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to), partner, nil, nil)
	if strings.Contains(string(b), "20.00") || !strings.Contains(string(b), `"4.50"`) {
		t.Errorf("partner stats show revenue or miss the commission: %s", b)
	}
	ta.must(200, "GET", "/api/v1/ledger/reconciliation", owner, nil, nil)
}
