package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// portalBrand is the program's name the partner sees everywhere.
const portalBrand = "Rocket Partners"

// TestBrowser_PartnerPortal drives the white-label partner portal in
// headless Chromium against the fully wired server. The advertiser side is
// seeded over the HTTP API (sign-up, brand, offer and campaign, invite,
// grant); the partner registers through the invite link, sees the granted
// offer, builds a link with sub1 in the link builder; that link is clicked
// (302) and the advertiser's S2S postback converts the click; the partner
// then sees the click, the conversion and the commission (never the
// revenue) in the stats and balances, sets a payout method (after a field
// error), requests a payout and withdraws it, sets a postback pointing at a
// receiver and presses the test button, which the receiver gets and the
// delivery log shows; makes a signing secret and a per-offer postback and
// tests that too. No page names the platform. Every page is saved as a
// screenshot under test-artifacts/browser.
func TestBrowser_PartnerPortal(t *testing.T) {
	ta := newTestApp(t)
	if st, _ := ta.call("GET", "/login", "", nil); st != 200 {
		t.Fatalf("GET /login: %d; the UI assets are not built: run `make ui`", st)
	}
	adv := seedProgram(t, ta)
	b := newBrowser(t)
	p := portalJoin(t, b, adv.invite)
	adv.grant(t, ta)

	link := portalOffersAndLink(t, p)
	clickID := clickAsVisitor(t, link, "fb-ads")
	adv.convert(t, ta, clickID)

	portalStats(t, p)
	portalMethod(t, p)
	adv.bonus(t, ta, "10.00")
	portalBalance(t, p)
	portalPostback(t, p)

	// Russian, then phone width.
	p.choose("select[name=lang]", "ru")
	p.waitText("Конструктор ссылок")
	p.waitText("Постбэк для всех офферов") // the page too, not only the navigation
	p.shot("postbacks-ru")
	assertDictionariesMatch(t, p)
	p.choose("select[name=lang]", "en")
	p.do("phone width", chromedp.EmulateViewport(390, 844))
	p.click(`.portal-nav a[href$="/stats"]`)
	p.do("stats chart", chromedp.WaitVisible(chromedp.CSS(".chart canvas")))
	p.shot("stats-phone")
	p.do("desktop width", chromedp.EmulateViewport(1280, 900))

	assertWhiteLabel(t, p, portalBrand)
	p.assertClean()
}

// program is the advertiser's side of the test, driven over the API.
type program struct {
	owner, offerID, partnerID, invite, postbackToken string
}

// seedProgram signs an advertiser up, brands the portal, creates an offer
// (4.50 USD commission per approved conversion) with a campaign, today's
// USD→USDT rate and an invite link.
func seedProgram(t *testing.T, ta *testApp) *program {
	t.Helper()
	pr := &program{}
	pr.owner, _ = ta.advertiser("owner@rocket.test")
	ta.must(200, "PUT", "/api/v1/tenant", pr.owner, map[string]any{"branding": map[string]string{
		"name": portalBrand, "primary_color": "#0a7d5a", "accent_color": "#e0a100"}}, nil)
	var offer, campaign struct{ ID string }
	ta.must(201, "POST", "/api/v1/offers", pr.owner, map[string]any{"name": "Shoes", "url": "https://shop.example/buy?cid={click_id}&s={sub1}",
		"payout": "4.50", "currency": "USD"}, &offer)
	ta.must(201, "POST", "/api/v1/campaigns", pr.owner, map[string]any{"name": "Spring", "offer_id": offer.ID}, &campaign)
	pr.offerID = offer.ID
	// The partner is paid in USDT: today's USD→USDT rate.
	ta.must(201, "POST", "/api/v1/fx-rates", pr.owner, map[string]any{"day": time.Now().UTC().Format(time.DateOnly),
		"base": "USD", "quote": "USDT", "rate": "1"}, nil)
	var inv struct{ URL string }
	ta.must(201, "POST", "/api/v1/partners/invites", pr.owner, map[string]any{"max_uses": 1}, &inv)
	pr.invite = inv.URL
	var me struct {
		PostbackToken string `json:"postback_token"`
	}
	ta.must(200, "GET", "/api/v1/me", pr.owner, nil, &me)
	pr.postbackToken = me.PostbackToken
	return pr
}

// grant opens the offer to the partner who joined.
func (pr *program) grant(t *testing.T, ta *testApp) {
	t.Helper()
	var parts struct{ Items []struct{ ID, Email string } }
	ta.must(200, "GET", "/api/v1/partners", pr.owner, nil, &parts)
	if len(parts.Items) != 1 || parts.Items[0].Email != "pia@publisher.test" {
		t.Fatalf("partners after the invite: %+v", parts.Items)
	}
	pr.partnerID = parts.Items[0].ID
	ta.must(200, "PUT", "/api/v1/partners/"+pr.partnerID+"/offers", pr.owner, map[string]any{"offer_ids": []string{pr.offerID}}, nil)
}

// convert fires the advertiser's S2S postback for the click (worth 20.00
// to the advertiser) and waits until the ledger has booked the partner's
// 4.50 commission on hold.
func (pr *program) convert(t *testing.T, ta *testApp, clickID string) {
	t.Helper()
	var res struct{ Result string }
	ta.must(200, "GET", "/api/v1/postback?token="+pr.postbackToken+"&click_id="+url.QueryEscape(clickID)+"&payout=20.00&status=approved&tx_id=order-1", "", nil, &res)
	if res.Result != "created" {
		t.Fatalf("postback result %q", res.Result)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var bal struct{ Items []struct{ Hold string } }
		ta.must(200, "GET", "/api/v1/balances?partner_id="+pr.partnerID, pr.owner, nil, &bal)
		if len(bal.Items) == 1 && bal.Items[0].Hold == "4.50" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the commission never reached the partner's hold balance: %+v", bal)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// bonus credits the partner's available balance, so a payout can be requested.
func (pr *program) bonus(t *testing.T, ta *testApp, amount string) {
	t.Helper()
	ta.must(201, "POST", "/api/v1/ledger/adjustments", pr.owner, map[string]any{"partner_id": pr.partnerID, "kind": "bonus",
		"amount": amount, "currency": "USD", "memo": "Welcome bonus"}, nil)
}

// portalJoin registers the partner through the invite link in a browser of
// its own.
func portalJoin(t *testing.T, b *browser, invite string) *tab {
	t.Helper()
	u, err := url.Parse(invite)
	if err != nil || !strings.Contains(u.Path, "/join/") {
		t.Fatalf("invite link %q", invite)
	}
	p := b.tab(u.Scheme+"://"+u.Host, "portal")
	p.open(u.RequestURI())
	p.waitText("You are invited to join " + portalBrand)
	assertNoPlatformName(t, p)
	p.shot("join")
	p.fill("input[name=name]", "Pia Publisher")
	p.fill("input[name=email]", "pia@publisher.test")
	p.fill("input[name=password]", "publisher pass 1")
	p.submit("input[name=name]")
	p.waitText("Welcome to " + portalBrand + ", Pia Publisher.")
	assertNoPlatformName(t, p)
	p.shot("home")
	return p
}

// portalOffersAndLink checks the granted offer and its plain link, then
// builds a link with sub1 and returns it.
func portalOffersAndLink(t *testing.T, p *tab) string {
	t.Helper()
	p.click(`.portal-nav a[href$="/offers"]`)
	p.waitText("Shoes")
	p.waitText("4.50 USD")
	p.click("button[name=get_link]")
	p.do("offer link", chromedp.WaitVisible(chromedp.CSS("input[name=offer_link]")))
	if plain := eval[string](p, `document.querySelector('input[name=offer_link]').value`); !strings.Contains(plain, "/c/") {
		t.Errorf("plain offer link %q", plain)
	}
	assertNoPlatformName(t, p)
	p.shot("offers")

	p.click(`.offer-link a`) // into the link builder with the offer chosen
	p.waitText("Build a link")
	p.fill("input[name=sub1]", "fb-ads")
	p.fill("input[name=sub3]", "banner 7")
	p.submit("input[name=sub1]")
	p.do("built link", chromedp.WaitVisible(chromedp.CSS("input[name=link_url]")))
	link := eval[string](p, `document.querySelector('input[name=link_url]').value`)
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/c/") || u.Query().Get("sub1") != "fb-ads" || u.Query().Get("sub3") != "banner 7" {
		t.Fatalf("built link %q", link)
	}
	p.waitText("With sub1=fb-ads, sub3=banner 7.")
	assertNoPlatformName(t, p)
	p.shot("link-builder")
	return link
}

// portalStats checks the totals (own commission, not the advertiser's
// 20.00 revenue), the chart and the breakdown by sub1.
func portalStats(t *testing.T, p *tab) {
	t.Helper()
	p.click(`.portal-nav a[href$="/stats"]`)
	p.do("stats chart", chromedp.WaitVisible(chromedp.CSS(".chart canvas")))
	p.waitText("Clicks and conversions")
	totals := eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll('[data-total]')].map(e => [e.dataset.total, e.textContent]))`)
	if totals["clicks"] != "1" || totals["conversions"] != "1" || totals["payout"] != "4.50 USD" || totals["cr"] != "100%" {
		t.Errorf("stats totals %v; want 1 click, 1 conversion, CR 100%%, 4.50 USD", totals)
	}
	p.choose("select[name=group_by]", "sub1")
	p.waitText("fb-ads")
	if text := eval[string](p, `document.body.innerText`); strings.Contains(text, "20.00") || strings.Contains(text, "15.50") {
		t.Errorf("the partner's stats show the advertiser's revenue or profit:\n%s", text)
	}
	assertNoPlatformName(t, p)
	p.shot("stats")
}

// portalMethod sets a crypto payout method, after the server rejects a
// malformed address at its field.
func portalMethod(t *testing.T, p *tab) {
	t.Helper()
	p.click(`.portal-nav a[href$="/payout-method"]`)
	p.do("no method yet", chromedp.WaitVisible(chromedp.CSS("[data-testid=no-method]")))
	p.fill("input[name=currency]", "USDT")
	p.choose("select[name=network]", "TRC20")
	p.fill("input[name=address]", "0x12345")
	p.submit("input[name=address]")
	p.do("address field error", chromedp.WaitVisible(chromedp.CSS(".field.invalid input[name=address]")))
	p.waitText("is not a valid TRC20 address")
	p.shot("payout-method-error")
	addr := "T" + strings.Repeat("9", 33)
	p.fill("input[name=address]", addr)
	p.submit("input[name=address]")
	p.waitText("Payout method saved.")
	if got := eval[string](p, `document.querySelector('[data-testid=method-summary]').innerText`); !strings.Contains(got, addr) || !strings.Contains(got, "TRC20") {
		t.Errorf("saved method shows %q", got)
	}
	assertNoPlatformName(t, p)
	p.shot("payout-method")

	// Bank details instead: a mistyped IBAN fails its checksum at its field.
	p.choose("select[name=kind]", "bank")
	p.fill(`input[name="details.account_holder"]`, "Pia Publisher")
	p.fill(`input[name="details.iban"]`, "DE89 3704 0044 0532 0130 01")
	p.fill("input[name=currency]", "EUR")
	p.submit(`input[name="details.iban"]`)
	p.do("iban field error", chromedp.WaitVisible(chromedp.CSS(`.field.invalid input[name="details.iban"]`)))
	p.fill(`input[name="details.iban"]`, "DE89 3704 0044 0532 0130 00")
	p.submit(`input[name="details.iban"]`)
	p.waitText("Payout method saved.")
	if got := eval[string](p, `document.querySelector('[data-testid=method-summary]').innerText`); !strings.Contains(got, "DE89370400440532013000") {
		t.Errorf("saved bank method shows %q", got)
	}
	p.shot("payout-method-bank")

	// Back to the crypto wallet the payout test below uses.
	p.choose("select[name=kind]", "crypto")
	p.fill("input[name=currency]", "USDT")
	p.choose("select[name=network]", "TRC20")
	p.fill("input[name=address]", addr)
	p.submit("input[name=address]")
	p.waitText("Payout method saved.")
}

// portalBalance checks the balances by state, requests a payout of the
// available balance and withdraws it; the ledger shows the entries.
func portalBalance(t *testing.T, p *tab) {
	t.Helper()
	p.click(`.portal-nav a[href$="/balance"]`)
	// balances waits until each "state currency" shows its amount.
	balances := func(what string, want map[string]string) {
		t.Helper()
		js := `(w => Object.entries(w).every(([k, v]) => { const [s, c] = k.split(' ');
			return document.querySelector('[data-balance=' + s + '][data-currency=' + c + ']')?.textContent === v; }))(%s)`
		b, _ := json.Marshal(want)
		p.do(what, chromedp.Poll[chromedp.Void](fmt.Sprintf(js, b),
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	}
	balances("balances", map[string]string{"pending USD": "0.00", "hold USD": "4.50", "available USD": "10.00", "paid USD": "0.00", "reversed USD": "0.00"})
	p.waitText("Welcome bonus")
	p.shot("balance")
	p.submit("input[name=amount]") // empty amount: the whole available balance
	p.waitText("Payout of 10.00 USDT requested.")
	p.waitText("Requested")
	// Reserved in the method's currency at today's rate.
	balances("reserved", map[string]string{"available USD": "0.00", "in_payout USDT": "10.00"})
	p.waitText("Payout requested") // its ledger entry
	p.shot("balance-payout-requested")
	p.do("accept confirm", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`))
	p.click("button[name=cancel_payout]")
	p.waitText("Withdrawn")
	p.waitText("Payout returned")
	balances("released", map[string]string{"available USD": "10.00", "in_payout USDT": "0.00"})
	assertNoPlatformName(t, p)
	p.shot("balance-payout-withdrawn")
}

// portalPostback points the global postback at a receiver, presses the test
// button and finds the delivery in the log; then makes a signing secret and
// a per-offer postback, and tests that too.
func portalPostback(t *testing.T, p *tab) {
	t.Helper()
	type hit struct {
		path  string
		query url.Values
		ua    string
	}
	got := make(chan hit, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- hit{r.URL.Path, r.URL.Query(), r.UserAgent()}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(receiver.Close)

	p.click(`.portal-nav a[href$="/postbacks"]`)
	p.waitText("Postback for all offers")
	p.waitText("No postbacks sent yet.")
	p.fill(".global-postback input[name=url]", receiver.URL+"/pb?cid={click_id}&sum={payout}&t={test}&st={status}")
	p.submit(".global-postback input[name=url]")
	p.waitText("Postback saved.")
	p.choose("select[name=test_event]", "approved")
	p.click("button[name=test_postback]")
	p.waitText("Test postback delivered: your server answered HTTP 200.")
	select {
	case h := <-got:
		if h.query.Get("t") != "1" || h.query.Get("st") != "approved" || h.query.Get("sum") == "" {
			t.Errorf("test postback query %v; want test=1, approved, a sample commission", h.query)
		}
		if strings.Contains(strings.ToLower(h.ua), "affcore") {
			t.Errorf("the postback's User-Agent names the platform: %q", h.ua)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver never got the test postback")
	}
	p.do("log shows the delivery", chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('td')].some(td => td.innerText.trim() === 'Delivered')`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	p.click("button[name=delivery_detail]")
	p.do("delivery detail", chromedp.WaitVisible(chromedp.CSS("[data-testid=delivery-detail]")))
	if d := eval[string](p, `document.querySelector('[data-testid=delivery-detail]').innerText`); !strings.Contains(d, receiver.URL+"/pb?cid=") || !strings.Contains(d, "ok") {
		t.Errorf("delivery detail %q lacks the request or the answer", d)
	}
	p.shot("postbacks")

	// A signing secret, shown once.
	p.click("button[name=rotate_secret]")
	p.do("new secret", chromedp.WaitVisible(chromedp.CSS("input[name=new_secret]")))
	if sec := eval[string](p, `document.querySelector('input[name=new_secret]').value`); len(sec) < 16 {
		t.Errorf("new signing secret %q", sec)
	}

	// A per-offer postback replaces the global one for its offer; its own
	// test button reaches its own URL.
	p.click(".new-override summary")
	p.fill(".new-override input[name=url]", receiver.URL+"/offer?cid={click_id}&o={offer_id}")
	p.submit(".new-override input[name=url]")
	p.waitText(receiver.URL + "/offer?cid=")
	p.click(`td button[name=test_postback]`)
	select {
	case h := <-got:
		if h.path != "/offer" || h.query.Get("o") == "" {
			t.Errorf("override test postback %s %v; want /offer with the offer id", h.path, h.query)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver never got the override's test postback")
	}
	p.do("log shows both", chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('td')].filter(td => td.innerText.trim() === 'Delivered').length === 2`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	assertNoPlatformName(t, p)
	p.shot("postbacks-override")
}

// assertNoPlatformName fails the test if the page's title, text or markup
// names the platform.
func assertNoPlatformName(t *testing.T, p *tab) {
	t.Helper()
	page := eval[string](p, `document.title + "\n" + document.body.innerText + "\n" + document.documentElement.outerHTML`)
	if strings.Contains(strings.ToLower(page), "affcore") {
		t.Errorf("%s names the platform:\n%s", eval[string](p, `location.pathname`), page)
	}
	if title := eval[string](p, `document.title`); !strings.Contains(title, portalBrand) {
		t.Errorf("page title %q lacks the program's name", title)
	}
}
