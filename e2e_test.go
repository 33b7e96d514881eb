package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/hosts/wasm/wasmtest"
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
	offerID := ta.e2eOffer(owner, partnerID, "Shoes")
	// The first-party commission and postback-format plugins, installed:
	// decisions and postbacks go through their hooks (in process).
	ta.must(201, "POST", "/api/v1/plugins/affcore.commission/install", owner, map[string]any{"config": map[string]any{}}, nil)
	ta.must(201, "POST", "/api/v1/plugins/affcore.postback-format/install", owner, map[string]any{"config": map[string]any{}}, nil)

	// The partner's postback: {payout} must be its own commission.
	got := make(chan url.Values, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	ta.must(200, "PUT", "/api/v1/me/postback", partner, map[string]any{"url": receiver.URL + "/pb?cid={click_id}&payout={payout}&s={sub1}&st={status}", "method": "GET"}, nil)

	clickID := ta.e2eClick(partner, offerID, "fb ads")
	ta.e2ePostback(owner, clickID, "20.00", "order-1")
	// The ledger books the partner's commission through the bus.
	ta.e2eWaitHold(partner, "4.50")

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

// TestE2E_AgencyCommissionPlugin: an agency uploads its own commission
// plugin (unsigned, tenant-private WebAssembly) and installs it; from then on
// the tenant's commissions are decided by it through the commission hook
// (a custom model name its plugin understands), while custom model names are
// refused before a plugin is installed.
func TestE2E_AgencyCommissionPlugin(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@agency.test")
	partner, partnerID := ta.partner(owner, "pat@agency.test")
	offerID := ta.e2eOffer(owner, partnerID, "Boots")
	terms := map[string]any{"partner_id": partnerID, "model": "weekend", "params": map[string]string{"percent": "10"}}
	if status, b := ta.call("POST", "/api/v1/commission-terms", owner, terms); status != 400 || !strings.Contains(string(b), `"field":"model"`) {
		t.Fatalf("custom model without a plugin: %d %s; want 400 naming model", status, b)
	}

	ta.uploadPlugin(owner, "examples/weekendbonus", "agency.weekend", "Weekend bonus (agency)")
	ta.must(201, "POST", "/api/v1/plugins/agency.weekend/install", owner, map[string]any{"config": map[string]any{"bonus_percent": "50"}}, nil)
	ta.must(201, "POST", "/api/v1/commission-terms", owner, terms, nil)

	clickID := ta.e2eClick(partner, offerID, "")
	ta.e2ePostback(owner, clickID, "20.00", "order-7")
	// 10% of 20.00 from the plugin; plus its 50% weekend bonus when the
	// conversion happened on a Saturday or Sunday (UTC).
	want := "2.00"
	if d := time.Now().UTC().Weekday(); d == time.Saturday || d == time.Sunday {
		want = "3.00"
	}
	ta.e2eWaitHold(partner, want)
}

// uploadPlugin builds the plugin in dir, bundles it unsigned under id and
// name, and uploads it as the owner's tenant-private plugin.
func (ta *testApp) uploadPlugin(owner, dir, id, name string) {
	ta.t.Helper()
	ta.uploadBundle(owner, id, agencyBundle(ta.t, dir, id, name))
}

// uploadBundle uploads a bundle as the owner's tenant-private plugin.
func (ta *testApp) uploadBundle(owner, id string, bundle []byte) {
	ta.t.Helper()
	req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/plugins", bytes.NewReader(bundle))
	req.Header.Set("Authorization", "Bearer "+owner)
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := ta.srv.Client().Do(req)
	if err != nil {
		ta.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		ta.t.Fatalf("upload plugin %s: %d %s", id, res.StatusCode, b)
	}
}

// agencyBundle builds the plugin in dir and bundles it, unsigned, as an
// agency's own plugin with id and name.
func agencyBundle(t testing.TB, dir, id, name string) []byte {
	t.Helper()
	return agencyBundleOf(t, dir, dir, id, name, nil)
}

// agencyBundleOf bundles the code in codeDir with the manifest of
// manifestDir (renamed to id and name, then changed by edit if set),
// unsigned.
func agencyBundleOf(t testing.TB, manifestDir, codeDir, id, name string, edit func(map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(manifestDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["id"], m["name"] = id, name
	if edit != nil {
		edit(m)
	}
	manifest, _ := json.Marshal(m)
	bundle, err := plugin.Pack(manifest, wasmtest.Build(t, codeDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	return bundle
}

// e2eOffer creates an offer paying 4.50 USD (destination with the click id
// as cid and sub1 as s) and a campaign of it, and grants it to the partner.
func (ta *testApp) e2eOffer(owner, partnerID, name string) string {
	ta.t.Helper()
	var offer struct{ ID string }
	ta.must(201, "POST", "/api/v1/offers", owner, map[string]any{"name": name, "url": "https://shop.example/buy?cid={click_id}&s={sub1}",
		"payout": "4.50", "currency": "USD"}, &offer)
	ta.must(201, "POST", "/api/v1/campaigns", owner, map[string]any{"name": name + " campaign", "offer_id": offer.ID}, nil)
	ta.must(200, "PUT", "/api/v1/partners/"+partnerID+"/offers", owner, map[string]any{"offer_ids": []string{offer.ID}}, nil)
	return offer.ID
}

// e2eClick has the partner make a link to the offer and clicks it; it
// returns the click id from the destination's cid macro.
func (ta *testApp) e2eClick(partner, offerID, sub1 string) string {
	ta.t.Helper()
	var link struct{ URL string }
	ta.must(200, "POST", "/api/v1/me/links", partner, map[string]any{"offer_id": offerID, "sub1": sub1}, &link)
	u, _ := url.Parse(link.URL)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(ta.srv.URL + u.RequestURI())
	if err != nil {
		ta.t.Fatal(err)
	}
	res.Body.Close()
	dest, _ := url.Parse(res.Header.Get("Location"))
	clickID := dest.Query().Get("cid")
	if res.StatusCode != http.StatusFound || dest.Host != "shop.example" || (sub1 != "" && dest.Query().Get("s") != sub1) || !strings.HasPrefix(clickID, "clk_") {
		ta.t.Fatalf("click: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	return clickID
}

// e2ePostback fires the advertiser's server-to-server postback approving
// the click's conversion.
func (ta *testApp) e2ePostback(owner, clickID, payout, txID string) {
	ta.t.Helper()
	var me struct {
		PostbackToken string `json:"postback_token"`
	}
	ta.must(200, "GET", "/api/v1/me", owner, nil, &me)
	var pb struct{ Result string }
	ta.must(200, "GET", "/api/v1/postback?token="+me.PostbackToken+"&click_id="+clickID+"&payout="+payout+"&status=approved&tx_id="+txID, "", nil, &pb)
	if pb.Result != "created" {
		ta.t.Fatalf("postback result %q", pb.Result)
	}
}

// e2eWaitHold waits until the partner's only balance has want on hold.
func (ta *testApp) e2eWaitHold(partner, want string) {
	ta.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var bal struct {
			Items []struct {
				Currency string
				Hold     string
			}
		}
		ta.must(200, "GET", "/api/v1/me/balances", partner, nil, &bal)
		if len(bal.Items) == 1 && bal.Items[0].Hold == want {
			return
		}
		if time.Now().After(deadline) {
			ta.t.Fatalf("the commission never reached the partner's hold balance %s: %+v", want, bal)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestE2E_PostbackFormatPlugin: a tenant installs its own postback-format
// plugin (uploaded WebAssembly); the partner's postbacks are then formatted
// by it (a JSON body with the tracker's field names), still signed.
func TestE2E_PostbackFormatPlugin(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@format.test")
	partner, _ := ta.partner(owner, "pat@format.test")
	type received struct {
		method, contentType, idempotency string
		body                             []byte
	}
	got := make(chan received, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- received{r.Method, r.Header.Get("Content-Type"), r.Header.Get("Idempotency-Key"), b}
	}))
	defer receiver.Close()
	ta.uploadPlugin(owner, "examples/trackerjson", "agency.tracker", "Tracker JSON (agency)")
	ta.must(201, "POST", "/api/v1/plugins/agency.tracker/install", owner,
		map[string]any{"config": map[string]any{"fields": map[string]string{"clickid": "click_id", "state": "status"}}}, nil)
	ta.must(200, "PUT", "/api/v1/me/postback", partner, map[string]any{"url": receiver.URL + "/pb?cid={click_id}", "method": "GET"}, nil)
	var delivery struct{ ID string }
	ta.must(200, "POST", "/api/v1/me/postback/test", partner, map[string]any{}, &delivery)
	select {
	case r := <-got:
		var body map[string]string
		if err := json.Unmarshal(r.body, &body); err != nil || r.method != "POST" || r.contentType != "application/json" ||
			body["clickid"] == "" || body["state"] == "" || len(body) != 2 || r.idempotency == "" {
			t.Fatalf("the plugin did not format the postback: %s %s %s %v", r.method, r.contentType, r.body, err)
		}
	case <-time.After(20 * time.Second):
		_, b := ta.call("GET", "/api/v1/postbacks/outgoing/"+delivery.ID, partner, nil)
		t.Fatalf("the test postback never arrived: %s", b)
	}
}

// TestE2E_CommissionPluginFailsClosed: a tenant's commission plugin that
// crashes never lets money be guessed — the conversion's commission waits,
// retried through the bus, and the crash is in the plugin's log; once the
// tenant disables the plugin, the first-party model books it.
func TestE2E_CommissionPluginFailsClosed(t *testing.T) {
	ta := newTestApp(t)
	owner, _ := ta.advertiser("owner@crashy.test")
	partner, partnerID := ta.partner(owner, "pat@crashy.test")
	offerID := ta.e2eOffer(owner, partnerID, "Hats")
	// hosts/wasm/testdata/panicker indexes out of range in its commission hook.
	ta.uploadBundle(owner, "agency.crashy", agencyBundleOf(t, "examples/weekendbonus", "hosts/wasm/testdata/panicker", "agency.crashy", "Crashy", nil))
	ta.must(201, "POST", "/api/v1/plugins/agency.crashy/install", owner, map[string]any{"config": map[string]any{}}, nil)

	ta.e2ePostback(owner, ta.e2eClick(partner, offerID, ""), "20.00", "order-9")
	deadline := time.Now().Add(20 * time.Second)
	for {
		b := ta.must(200, "GET", "/api/v1/plugins/agency.crashy/logs", owner, nil, nil)
		if strings.Contains(string(b), "index out of range") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the crash never reached the plugin's log: %s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // more deliveries of the conversion, each failing closed
	var bal struct{ Items []struct{ Hold string } }
	ta.must(200, "GET", "/api/v1/me/balances", partner, nil, &bal)
	if len(bal.Items) != 0 {
		t.Fatalf("money was booked while the commission plugin crashes: %+v", bal)
	}

	ta.must(200, "POST", "/api/v1/plugins/agency.crashy/disable", owner, map[string]any{}, nil)
	ta.e2eWaitHold(partner, "4.50") // the offer's payout, by the first-party CPA model
}
