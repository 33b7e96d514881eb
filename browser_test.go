package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// TestBrowser_AdvertiserAndPartnerJourney drives headless Chromium through
// the product as people use it, against the fully wired server: an
// advertiser signs up (after a field error), invites a teammate who joins
// from the emailed link, brands the partner portal, creates an invite link;
// a partner registers through it in a browser of their own and sees only the
// program's brand; the advertiser sees the partner, creates an offer (after
// a field error), a campaign and a webhook, a click on the campaign's
// tracking link and the S2S postback show on the dashboard, the conversions
// and both postback logs; the advertiser grants the offer to the partner, who
// builds a link in the portal, a visitor clicks it, the postback fires and
// both dashboards show it; the advertiser installs a marketplace plugin
// through the form generated from its config schema; the teammate turns on
// 2FA and logs in with the second step; the partner resets the password
// from the portal; the owner requires 2FA of everyone and is held to the
// security page until set up; the cabinet works at phone width and
// switches to Russian. Every page is saved as a
// screenshot under test-artifacts/browser.
func TestBrowser_AdvertiserAndPartnerJourney(t *testing.T) {
	ta := newTestApp(t)
	if st, _ := ta.call("GET", "/login", "", nil); st != 200 {
		t.Fatalf("GET /login: %d; the UI assets are not built: run `make ui`", st)
	}
	b := newBrowser(t)
	adv := b.tab(ta.srv.URL, "advertiser")
	signUp(adv)
	ana := inviteTeammate(t, ta, b, adv)
	invite := brandAndInvite(adv)
	partner := partnerJoins(t, b, invite)

	// The advertiser sees the partner.
	adv.open("/app/partners")
	adv.waitText("Pat Publisher")
	adv.waitText("pat@publisher.test")
	adv.shot("partners-list")

	postbackURL := trackingJourney(t, adv)
	partnerStory(t, adv, partner, postbackURL)
	installPlugin(t, adv)
	catalogueAndMoneyPages(adv)
	payByHand(adv, partner)

	teammate2FA(t, ana)
	partnerReset(t, ta, partner)
	advertiserPages(adv)

	// Russian, kept across a reload.
	adv.choose("select[name=lang]", "ru")
	adv.waitText("Партнёры")
	adv.open("/app")
	adv.waitText("Первые шаги")
	adv.shot("dashboard-ru")
	assertDictionariesMatch(t, adv)

	// A portal address that names no program says so, with no brand at all.
	partner.open("/p/no-such-program/")
	partner.waitText("There is no partner program at this address.")
	if html := eval[string](partner, `document.documentElement.outerHTML.toLowerCase()`); strings.Contains(html, "affcore") || strings.Contains(html, "rocket") {
		t.Errorf("the missing-program page shows a brand: %s", html)
	}

	for _, tb := range []*tab{adv, ana, partner} {
		tb.assertClean()
	}
}

// signUp: a field error first, shown at its field, then the trial starts.
func signUp(adv *tab) {
	adv.open("/signup")
	adv.fill("input[name=company]", "Acme Media")
	adv.fill("input[name=email]", "owner@acme.test")
	adv.fill("input[name=password]", "short")
	adv.click("input[name=plan][value=starter]")
	adv.submit("input[name=company]")
	adv.do("password field error", chromedp.WaitVisible(chromedp.CSS(".field.invalid input[name=password]")))
	adv.shot("signup-field-error")
	adv.fill("input[name=password]", "correct horse battery")
	adv.click("input[name=plan][value=professional]")
	adv.submit("input[name=company]")
	adv.waitText("Getting started")
	adv.waitText("Free trial of the Professional plan: 30 days left")
	adv.shot("dashboard")
}

// inviteTeammate invites an analyst, who joins from the emailed link in a
// browser of their own and sees only the analyst's sections.
func inviteTeammate(t *testing.T, ta *testApp, b *browser, adv *tab) *tab {
	adv.click(`a[href="/app/team"]`)
	adv.fill("input[name=email]", "ana@acme.test")
	adv.choose("select[name=role]", "analyst")
	adv.submit("input[name=email]")
	adv.waitText("Invitation emailed to ana@acme.test")
	adv.shot("team")
	join, err := url.Parse(ta.outboxLink("ana@acme.test"))
	if err != nil || join.Path != "/team/join" {
		t.Fatalf("team invitation link %q", join)
	}
	ana := b.tab(ta.srv.URL, "teammate")
	ana.open(join.RequestURI())
	ana.shot("team-join")
	ana.fill("input[name=name]", "Ana Analyst")
	ana.fill("input[name=password]", "analyst pass 123")
	ana.submit("input[name=name]")
	ana.waitText("Welcome, Ana Analyst.")
	if nav := eval[string](ana, `document.querySelector('nav').innerText`); strings.Contains(nav, "Audit log") || !strings.Contains(nav, "Team") {
		t.Errorf("an analyst's navigation shows %q; want Team and no Audit log", nav)
	}
	ana.shot("teammate-dashboard")
	return ana
}

// brandAndInvite brands the partner portal (after a field error) and
// returns a new partner invite link.
func brandAndInvite(adv *tab) string {
	adv.click(`a[href="/app/settings"]`)
	adv.fill(`input[name="branding.primary_color"]`, "nope")
	adv.submit(`input[name="branding.name"]`)
	adv.do("colour field error", chromedp.WaitVisible(chromedp.CSS(`.field.invalid input[name="branding.primary_color"]`)))
	adv.fill(`input[name="branding.name"]`, "Rocket Partners")
	adv.fill(`input[name="branding.primary_color"]`, "#0a7d5a")
	adv.submit(`input[name="branding.name"]`)
	adv.waitText("Saved.")
	adv.shot("settings-branding")

	adv.click(`a[href="/app/partners"]`)
	adv.submit("input[name=max_uses]")
	adv.do("invite link", chromedp.WaitVisible(chromedp.CSS("input[name=invite_url]")))
	adv.shot("partners-invite-link")
	return eval[string](adv, `document.querySelector('input[name=invite_url]').value`)
}

// partnerJoins registers a partner through the invite link in a browser of
// their own; the portal shows the program, never the platform.
func partnerJoins(t *testing.T, b *browser, invite string) *tab {
	u, err := url.Parse(invite)
	if err != nil || !strings.Contains(u.Path, "/join/") {
		t.Fatalf("invite link %q", invite)
	}
	partner := b.tab(u.Scheme+"://"+u.Host, "partner")
	partner.open(u.RequestURI())
	partner.waitText("You are invited to join Rocket Partners")
	partner.shot("portal-join")
	partner.fill("input[name=name]", "Pat Publisher")
	partner.fill("input[name=email]", "pat@publisher.test")
	partner.fill("input[name=password]", "publisher pass 1")
	partner.submit("input[name=name]")
	partner.waitText("Welcome to Rocket Partners, Pat Publisher.")
	partner.shot("portal-home")
	assertWhiteLabel(t, partner, "Rocket Partners")
	partner.do("phone width", chromedp.EmulateViewport(390, 844))
	partner.shot("portal-home-phone")
	return partner
}

// assertWhiteLabel checks the partner's page and every resource it loaded
// (shell, scripts, styles, API answers) for the platform's name, and that the
// program's brand is on it.
func assertWhiteLabel(t *testing.T, tb *tab, brand string) {
	t.Helper()
	if title := eval[string](tb, `document.title`); !strings.Contains(title, brand) {
		t.Errorf("portal title %q lacks the brand %q", title, brand)
	}
	if c := eval[string](tb, `getComputedStyle(document.querySelector('.portal-head')).borderTopColor`); c != "rgb(10, 125, 90)" {
		t.Errorf("portal header colour %s; want the brand's #0a7d5a", c)
	}
	leaks := eval[[]string](tb, `(async () => {
		const urls = [location.href, ...performance.getEntriesByType('resource').map(e => e.name)];
		const bad = [];
		if (document.documentElement.outerHTML.toLowerCase().includes('affcore')) bad.push('the rendered page');
		for (const u of urls) {
			const text = await (await fetch(u)).text();
			if (text.toLowerCase().includes('affcore')) bad.push(u);
		}
		return bad.length ? bad : [String(urls.length) + ' checked'];
	})()`)
	if len(leaks) != 1 || !strings.HasSuffix(leaks[0], " checked") || leaks[0] == "1 checked" {
		t.Errorf("the partner portal shows the platform's name in: %v", leaks)
	}
}

// teammate2FA turns on 2FA through the QR-code flow, then logs out and in
// again with the second step, using a backup code.
func teammate2FA(t *testing.T, tb *tab) {
	t.Helper()
	tb.click(`a[href="/app/security"]`)
	backup := enable2FA(t, tb)
	tb.click(".topbar button.link") // log out
	tb.do("login page", chromedp.WaitVisible(chromedp.CSS("input[name=email]")))
	tb.fill("input[name=email]", "ana@acme.test")
	tb.fill("input[name=password]", "analyst pass 123")
	tb.submit("input[name=email]")
	tb.do("second step", chromedp.WaitVisible(chromedp.CSS("input[name=totp_code]")))
	tb.shot("login-2fa-step")
	tb.fill("input[name=totp_code]", backup)
	tb.submit("input[name=totp_code]")
	tb.waitText("Two-factor authentication is on.") // back where the session ended
}

// enable2FA sets up 2FA on the security page from the QR code's secret and
// returns one of the backup codes shown.
func enable2FA(t *testing.T, tb *tab) string {
	t.Helper()
	tb.click(".twofa button[type=submit]")
	tb.do("QR code", chromedp.WaitVisible(chromedp.CSS("img.qr")))
	tb.shot("security-2fa-qr")
	secret := eval[string](tb, `document.querySelector('[data-testid=totp-secret]').textContent`)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tb.fill(".twofa input[name=code]", code)
	tb.submit(".twofa input[name=code]")
	tb.do("backup codes", chromedp.WaitVisible(chromedp.CSS("[data-testid=backup-codes] li")))
	tb.shot("security-backup-codes")
	backup := eval[string](tb, `document.querySelector('[data-testid=backup-codes] li').textContent`)
	tb.click(".twofa button.primary")
	tb.waitText("Two-factor authentication is on.")
	return backup
}

// partnerReset logs the partner out, asks for a reset link on the portal,
// follows the emailed link and logs in with the new password.
func partnerReset(t *testing.T, ta *testApp, tb *tab) {
	t.Helper()
	tb.do("desktop width", chromedp.EmulateViewport(1280, 900))
	tb.click(".portal-head button.link") // log out
	tb.do("portal login", chromedp.WaitVisible(chromedp.CSS("input[name=email]")))
	tb.shot("portal-login")
	tb.click(`a[href$="/reset-password"]`)
	tb.waitText("we will send you a link to set a new password") // else the login form's email field takes the typing
	tb.fill("input[name=email]", "pat@publisher.test")
	tb.submit("input[name=email]")
	tb.waitText("a link to reset the password is on its way")
	link, err := url.Parse(ta.outboxLink("pat@publisher.test"))
	if err != nil || !strings.HasSuffix(link.Path, "/reset-password") || !strings.HasPrefix(link.Path, "/p/") {
		t.Fatalf("partner reset link %q", link)
	}
	var mails []struct{ To, Subject, Body string }
	ta.must(200, "GET", "/dev/outbox?format=json", "", nil, &mails)
	for _, m := range mails {
		if m.To == "pat@publisher.test" && strings.Contains(strings.ToLower(m.Subject+m.Body), "affcore") {
			t.Errorf("a partner email names the platform: %+v", m)
		}
	}
	tb.open(link.RequestURI())
	tb.fill("input[name=password]", "new publisher pass 2")
	tb.submit("input[name=password]")
	tb.waitText("Your password has been changed.")
	tb.shot("portal-reset-done")
	tb.click(`a[href$="/login"]`)
	tb.waitText("Log in to the partner area of Rocket Partners.")
	tb.fill("input[name=email]", "pat@publisher.test")
	tb.fill("input[name=password]", "new publisher pass 2")
	tb.submit("input[name=email]")
	tb.waitText("Welcome to Rocket Partners, Pat Publisher.")
}

// advertiserPages visits the remaining cabinet pages: an API key shown
// once, the security page, the audit log with the journey's changes, the
// dashboard's chart, and the phone-width navigation.
func advertiserPages(tb *tab) {
	tb.b.t.Helper()
	tb.click(`a[href="/app/api-keys"]`)
	tb.fill("input[name=name]", "Reporting")
	tb.click("input[name=scope][value='reports:read']")
	tb.submit("input[name=name]")
	tb.do("key shown once", chromedp.WaitVisible(chromedp.CSS("input[name=api_key]")))
	if key := eval[string](tb, `document.querySelector('input[name=api_key]').value`); !strings.HasPrefix(key, "ak_live_") {
		tb.b.t.Errorf("created API key %q", key)
	}
	tb.waitText("reports:read")
	tb.shot("api-keys")
	tb.click(`a[href="/app/security"]`)
	tb.waitText("Require 2FA for everyone")
	tb.shot("security")

	// Requiring 2FA of everyone holds the owner, who has none yet, to the
	// security page until it is set up.
	tb.click("button[name=require_2fa]")
	tb.waitText("Your organisation requires two-factor authentication")
	tb.click(`a[href="/app/audit"]`)
	tb.waitText("Your organisation requires two-factor authentication")
	if loc := eval[string](tb, `location.pathname`); loc != "/app/security" {
		tb.b.t.Errorf("a member who must set up 2FA reached %s", loc)
	}
	enable2FA(tb.b.t, tb)
	tb.click(`a[href="/app/audit"]`)
	tb.waitText("partners.invites.create")
	tb.shot("audit-log")
	tb.click(`a[href="/app"]`)
	tb.do("activity chart", chromedp.WaitVisible(chromedp.CSS(".chart canvas")))

	// At phone width the navigation is a drawer and tables become cards.
	tb.do("phone width", chromedp.EmulateViewport(390, 844))
	tb.do("drawer closed", chromedp.WaitNotVisible(chromedp.CSS(".sidenav")))
	tb.click(".topbar .menu")
	tb.do("drawer open", chromedp.WaitVisible(chromedp.CSS(`.sidenav a[href="/app/team"]`)))
	tb.shot("menu-phone")
	tb.click(`.sidenav a[href="/app/team"]`)
	tb.waitText("Pending invitations")
	tb.do("drawer closes", chromedp.WaitNotVisible(chromedp.CSS(".sidenav")))
	tb.shot("team-phone")
	tb.do("desktop width", chromedp.EmulateViewport(1280, 900))
}

// assertDictionariesMatch checks that each Russian dictionary (cabinet and
// portal) has exactly the English keys, so no page shows a raw key.
func assertDictionariesMatch(t *testing.T, tb *tab) {
	t.Helper()
	diff := eval[[]string](tb, `(async () => {
		const base = document.querySelector('script[type=module]').src.replace(/main\.js$/, 'i18n/');
		const out = [];
		for (const prefix of ['', 'portal-']) {
			const en = (await import(base + prefix + 'en.js')).en, ru = (await import(base + prefix + 'ru.js')).ru;
			out.push(...Object.keys(en).filter(k => !(k in ru)).map(k => prefix + 'ru lacks ' + k),
				...Object.keys(ru).filter(k => !(k in en)).map(k => prefix + 'en lacks ' + k));
		}
		return out;
	})()`)
	for _, d := range diff {
		t.Error("i18n: " + d)
	}
}

// trackingJourney creates an offer (after a field error), a campaign and a
// webhook in the cabinet; a click on the campaign's tracking link and the
// S2S postback (with the token the postbacks page shows) then appear on the
// dashboard, in the conversions and in both postback logs.
func trackingJourney(t *testing.T, adv *tab) (postbackURL string) {
	t.Helper()
	createOffer(adv)
	tracking := createCampaign(t, adv)
	hooks := make(chan string, 8)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hooks <- r.URL.RawQuery:
		default:
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)
	createWebhook(adv, receiver.URL)

	clickID := clickAsVisitor(t, tracking+"?sub1=spring", "spring")
	section(adv, "/app/postbacks", "Postbacks")
	adv.do("postback URL", chromedp.WaitVisible(chromedp.CSS("input[name=postback_url]")))
	postbackURL = eval[string](adv, `document.querySelector('input[name=postback_url]').value`)
	firePostback(t, postbackURL, clickID, "order-1")
	adv.click("button[name=refresh]")
	adv.waitText(clickID)
	adv.waitText("created")
	adv.shot("postbacks-incoming")

	section(adv, "/app", "Dashboard")
	// A direct click: no partner earns, so the payout is zero.
	waitFigures(adv, map[string]string{"clicks": "1", "conversions": "1", "revenue": "20.00", "payout": "0.00", "profit": "20.00"})
	adv.waitText("Spring launch") // top campaigns
	adv.shot("dashboard-performance")

	section(adv, "/app/conversions", "Conversions")
	adv.waitText(clickID)
	adv.waitText("approved")
	adv.shot("conversions")

	section(adv, "/app/postbacks", "Postbacks")
	adv.click("button[name=tab-outgoing]")
	adv.waitText("webhook")
	adv.click("button[name=details]")
	adv.do("delivery attempts", chromedp.WaitVisible(chromedp.CSS(".delivery table")))
	adv.waitText(receiver.URL)
	adv.shot("postbacks-outgoing")
	for deadline := time.After(stepTimeout); ; {
		select {
		case q := <-hooks:
			if strings.Contains(q, "s=approved&r=20.00") {
				return postbackURL
			}
		case <-deadline:
			t.Fatal("the webhook never received the approved conversion with its revenue")
		}
	}
}

// partnerStory: the advertiser grants the offer to the partner, who builds
// a link in the portal's link builder; a visitor clicks it and the shop's
// postback arrives; both sides then see the click and the conversion — the
// advertiser's dashboard with the partner's 4.50 payout beside the direct
// conversion, the partner's stats with its own commission and never the
// revenue.
func partnerStory(t *testing.T, adv, partner *tab, postbackURL string) {
	t.Helper()
	section(adv, "/app/partners", "Partners")
	adv.click("button[name=grants]")
	adv.do("offer choices", chromedp.WaitVisible(chromedp.CSS("input[name=offer]")))
	adv.click("input[name=offer]")
	adv.submit("input[name=offer]")
	adv.waitText("Saved: 1 offer granted.")
	adv.shot("partners-grants")

	partner.do("desktop width", chromedp.EmulateViewport(1280, 900))
	clickID := clickAsVisitor(t, portalOffersAndLink(t, partner), "fb-ads")
	firePostback(t, postbackURL, clickID, "order-2")
	portalStats(t, partner)

	section(adv, "/app", "Dashboard")
	waitFigures(adv, map[string]string{"clicks": "2", "conversions": "2", "revenue": "40.00", "payout": "4.50", "profit": "35.50"})
	adv.waitText("Pat Publisher") // top partners
	adv.shot("dashboard-with-partner")

	// The partner's postback URL, tested by the advertiser from the log page.
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	t.Cleanup(receiver.Close)
	if !eval[bool](partner, `fetch('/api/v1/me/postback', {method: 'PUT', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({url: '`+receiver.URL+`/pb?cid={click_id}&sum={payout}'})}).then(r => r.ok)`) {
		t.Fatal("the partner's postback URL was refused")
	}
	section(adv, "/app/postbacks", "Postbacks")
	adv.click("button[name=tab-outgoing]")
	adv.click("button[name=send_test]")
	adv.waitText("Test postback: delivered.")
	adv.shot("postbacks-partner-test")
}

// createOffer fills the offer form: a cap without a fallback URL is refused
// at that field, then the offer is created.
func createOffer(adv *tab) {
	section(adv, "/app/offers", "Offers")
	adv.waitText("No offers yet")
	adv.click("button[name=new]")
	adv.waitText("Macros are filled per click: {click_id}, {sub1}")
	adv.fill("input[name=name]", "Spring Shoes")
	adv.fill("input[name=url]", "https://shop.example/buy?cid={click_id}&s={sub1}")
	adv.fill("input[name=payout]", "4.50")
	adv.fill("input[name=daily_cap]", "50")
	adv.submit("input[name=name]")
	adv.do("fallback field error", chromedp.WaitVisible(chromedp.CSS(".field.invalid input[name=fallback_url]")))
	adv.shot("offer-field-error")
	adv.fill("input[name=fallback_url]", "https://shop.example/sold-out")
	adv.submit("input[name=name]")
	adv.do("offer listed", chromedp.WaitNotPresent(chromedp.CSS(".editor")))
	adv.waitText("4.50 USD")
	adv.shot("offers")
}

// createCampaign creates a campaign of the offer and returns the tracking
// link the page shows.
func createCampaign(t *testing.T, adv *tab) string {
	t.Helper()
	section(adv, "/app/campaigns", "Campaigns")
	adv.click("button[name=new]")
	adv.fill("input[name=name]", "Spring launch")
	adv.do("offer choice", chromedp.WaitReady(chromedp.CSS("select[name=offer_id] option")))
	adv.submit("input[name=name]")
	adv.do("tracking link", chromedp.WaitVisible(chromedp.CSS("input[name=tracking_url]")))
	adv.shot("campaigns")
	link := eval[string](adv, `document.querySelector('input[name=tracking_url]').value`)
	if !strings.HasPrefix(link, adv.base+"/api/v1/track/") {
		t.Fatalf("campaign tracking link %q", link)
	}
	return link
}

// createWebhook adds a webhook to receiver and sends it a test postback.
func createWebhook(adv *tab, receiver string) {
	adv.b.t.Helper()
	section(adv, "/app/webhooks", "Webhooks")
	adv.click("button[name=new]")
	adv.fill("input[name=url]", receiver+"/hook?c={conversion_id}&s={status}&r={revenue}")
	adv.choose("select[name=method]", "GET")
	adv.choose("select[name=format]", "url")
	adv.submit("input[name=url]")
	adv.do("webhook listed", chromedp.WaitVisible(chromedp.CSS("button[name=test]")))
	// Signed by default: the first signed webhook made the tenant's secret,
	// shown this once.
	if sec := eval[string](adv, `document.querySelector('input[name=webhook_secret_new]')?.value || ''`); len(sec) < 16 {
		adv.b.t.Errorf("the new webhook's signing secret was not shown: %q", sec)
	}
	adv.click("button[name=test]")
	adv.waitText("Test postback: delivered.")
	adv.shot("webhooks")
	adv.click("button[name=edit]")
	adv.fill("input[name=description]", "Order system")
	adv.submit("input[name=description]")
	adv.waitText("Order system")
}

// clickAsVisitor requests link as a visitor's browser would, without
// following the redirect, checks that it leads to the shop with sub1 in its
// s parameter, and returns the click id from the destination.
func clickAsVisitor(t *testing.T, link, sub1 string) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", link, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Accept-Language", "en")
	res, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	dest, _ := url.Parse(res.Header.Get("Location"))
	clickID := dest.Query().Get("cid")
	if res.StatusCode != http.StatusFound || dest.Host != "shop.example" || !strings.HasPrefix(clickID, "clk_") || dest.Query().Get("s") != sub1 {
		t.Fatalf("click on %s: %d → %q", link, res.StatusCode, res.Header.Get("Location"))
	}
	return clickID
}

// firePostback calls the tenant's postback URL template as an advertiser's
// shop would, with a revenue of 20.00 USD.
func firePostback(t *testing.T, template, clickID, txID string) {
	t.Helper()
	u := strings.NewReplacer("{click_id}", clickID, "{payout}", "20.00", "{tx_id}", txID).Replace(template)
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Result string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 || out.Result != "created" {
		t.Fatalf("postback %s: %d %+v %v", u, res.StatusCode, out, err)
	}
}

// waitFigures refreshes the dashboard until its totals show want.
func waitFigures(tb *tab, want map[string]string) {
	tb.b.t.Helper()
	var cond []string
	for k, v := range want {
		cond = append(cond, fmt.Sprintf(`document.querySelector('[data-testid=kpi-%s] dd')?.textContent === %q`, k, v))
	}
	expr := strings.Join(cond, " && ")
	deadline := time.Now().Add(stepTimeout)
	for !eval[bool](tb, expr) {
		if time.Now().After(deadline) {
			tb.shot("failed-figures")
			tb.b.t.Fatalf("dashboard figures: want %v; page: %s", want, eval[string](tb, `document.querySelector('.kpis')?.innerText`))
		}
		time.Sleep(300 * time.Millisecond)
		tb.click("button[name=refresh]")
	}
}

// installPlugin installs the click scorer from the marketplace through the
// form generated from its schema: a value over the schema's maximum is
// refused at its field, then the plugin installs and shows its log.
func installPlugin(t *testing.T, adv *tab) {
	t.Helper()
	section(adv, "/app/marketplace", "Marketplace")
	adv.waitText("Click quality scorer")
	adv.waitText("No plugins installed yet.")
	adv.shot("marketplace")
	card := `article.plugin[data-plugin="affcore.clickscore"]`
	adv.click(card + " button[name=install]")
	field := `.install-form input[name="config.bot_penalty"]`
	if v := eval[string](adv, `document.querySelector('`+field+`').value`); v != "70" {
		t.Errorf("the generated form's bot_penalty starts at %q; want the schema default 70", v)
	}
	adv.fill(field, "150")
	adv.fill(`.install-form input[name="config.extra_bot_patterns"]`, "evilcrawler, scrapy")
	adv.submit(field)
	adv.do("schema field error", chromedp.WaitVisible(chromedp.CSS(`.field.invalid input[name="config.bot_penalty"]`)))
	adv.shot("marketplace-config-error")
	adv.fill(field, "80")
	adv.submit(field)
	adv.do("installed", chromedp.WaitVisible(chromedp.CSS(`article.installation[data-plugin="affcore.clickscore"]`)))
	adv.waitText("enabled")
	cfg := eval[string](adv, `fetch('/api/v1/plugins/installed').then(r => r.json()).then(d => JSON.stringify(d.items[0].config))`)
	if !strings.Contains(cfg, `"bot_penalty":80`) || !strings.Contains(cfg, `"extra_bot_patterns":["evilcrawler","scrapy"]`) {
		t.Errorf("installed config %s; want the form's values", cfg)
	}
	adv.click(`article.installation button[name=disable]`)
	adv.do("disabled", chromedp.WaitVisible(chromedp.CSS(`article.installation button[name=enable]`)))
	adv.click(`article.installation button[name=enable]`)
	adv.do("enabled again", chromedp.WaitVisible(chromedp.CSS(`article.installation button[name=disable]`)))
	adv.click(`article.installation button[name=logs]`)
	adv.do("plugin log", chromedp.WaitVisible(chromedp.CSS(".plugin-log")))
	adv.shot("marketplace-installed")
	uploadPluginUI(t, adv)
}

// uploadPluginUI uploads an agency's own bundle (the weekend-bonus example
// under a private id) through the page — listed as unsigned — installs it
// with its schema's defaults, then uploads version 1.1.0, upgrades to it and
// rolls back.
func uploadPluginUI(t *testing.T, adv *tab) {
	t.Helper()
	upload := func(version string) {
		path := filepath.Join(t.TempDir(), "browser-bonus.affplug")
		bundle := agencyBundleOf(t, "examples/weekendbonus", "examples/weekendbonus", "agency.browser-bonus", "Browser bonus",
			func(m map[string]any) { m["version"] = version })
		if err := os.WriteFile(path, bundle, 0o600); err != nil {
			t.Fatal(err)
		}
		adv.do("choose bundle", chromedp.SetUploadFiles(`input[name=bundle]`, []string{path}))
		adv.submit(`input[name=bundle]`)
		adv.waitText("Uploaded Browser bonus " + version + ". Install it below.")
	}
	upload("1.0.0")
	card := `article.plugin[data-plugin="agency.browser-bonus"]`
	adv.do("uploaded plugin listed", chromedp.WaitVisible(chromedp.CSS(card)))
	if badges := eval[string](adv, `document.querySelector('`+card+`').innerText`); !strings.Contains(badges, "unsigned") {
		t.Errorf("an uploaded agency plugin is not marked unsigned: %q", badges)
	}
	adv.shot("marketplace-uploaded")
	adv.click(card + " button[name=install]")
	adv.submit(`.install-form input[name="config.bonus_percent"]`)
	inst := `article.installation[data-plugin="agency.browser-bonus"]`
	adv.do("agency plugin installed", chromedp.WaitVisible(chromedp.CSS(inst)))

	upload("1.1.0")
	adv.click(inst + " button[name=upgrade]")
	adv.do("upgraded", chromedp.WaitVisible(chromedp.CSS(inst+" button[name=rollback]")))
	if v := eval[string](adv, `document.querySelector('`+inst+` header').innerText`); !strings.Contains(v, "1.1.0") {
		t.Errorf("after the upgrade the installation shows %q; want 1.1.0", v)
	}
	adv.shot("marketplace-upgraded")
	adv.click(inst + " button[name=rollback]")
	adv.do("rolled back", chromedp.WaitVisible(chromedp.CSS(inst+" button[name=upgrade]")))
	if v := eval[string](adv, `document.querySelector('`+inst+` header').innerText`); !strings.Contains(v, "1.0.0") {
		t.Errorf("after the rollback the installation shows %q; want 1.0.0", v)
	}
	acceptConfirms(adv)
	adv.click(inst + " button[name=uninstall]")
	adv.do("uninstalled", chromedp.WaitNotPresent(chromedp.CSS(inst)))
}

// acceptConfirms answers yes to the page's confirmation questions (until
// the next full page load), as a person clicking OK would.
func acceptConfirms(tb *tab) {
	tb.b.t.Helper()
	_ = eval[bool](tb, `(window.confirm = () => true, true)`)
}

// payByHand: the partner gives manual payout instructions in the portal,
// and finance pays it by hand — a 10.00 USD bonus (posted from the page's
// session, as finance would through the API) makes money available, the
// payout is requested for the partner, approved, and marked paid with the
// transfer's reference.
func payByHand(adv, partner *tab) {
	adv.b.t.Helper()
	partner.click(`.portal-nav a[href$="/payout-method"]`)
	partner.choose("select[name=kind]", "manual")
	partner.fill("input[name=currency]", "USD")
	partner.fill(`[name="details.instructions"]`, "PayPal pat@publisher.test")
	partner.submit(`[name="details.instructions"]`)
	partner.waitText("Payout method saved.")
	posted := eval[bool](adv, `fetch('/api/v1/partners?limit=1').then(r => r.json()).then(d => fetch('/api/v1/ledger/adjustments', {
		method: 'POST', headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({partner_id: d.items[0].id, kind: 'bonus', amount: '10.00', currency: 'USD', memo: 'launch bonus'})})).then(r => r.status === 201)`)
	if !posted {
		adv.b.t.Fatal("the bonus adjustment was refused")
	}
	section(adv, "/app/payouts", "Payouts")
	adv.waitText("Pay a partner")
	adv.fill("input[name=amount]", "10.00")
	adv.submit("input[name=amount]")
	adv.waitText("Payout requested. Approve it below.")
	adv.click("button[name=approve]")
	adv.do("approved", chromedp.WaitVisible(chromedp.CSS("button[name=mark_paid]")))
	adv.click("button[name=mark_paid]")
	adv.fill("input[name=reference]", "WIRE-42")
	adv.submit("input[name=reference]")
	adv.waitText("WIRE-42")
	adv.do("paid", chromedp.WaitNotPresent(chromedp.CSS("button[name=mark_paid]")))
	adv.shot("payouts-paid")
}

// section opens a cabinet page from the navigation and waits for its heading.
func section(tb *tab, path, title string) {
	tb.b.t.Helper()
	tb.click(fmt.Sprintf(`.sidenav a[href=%q]`, path))
	tb.do("open "+title, chromedp.Poll[chromedp.Void](fmt.Sprintf(`location.pathname === %q && document.querySelector('.content h1')?.textContent === %q`, path, title),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
}

// catalogueAndMoneyPages adds a landing, a traffic source, CPA terms for
// the partner and an FX rate, and shows the balances and payouts pages.
func catalogueAndMoneyPages(adv *tab) {
	adv.b.t.Helper()
	section(adv, "/app/landings", "Landings")
	adv.click("button[name=new]")
	adv.fill("input[name=name]", "Spring lookbook")
	adv.fill("input[name=url]", "https://lp.example/spring?cid={click_id}")
	adv.submit("input[name=name]")
	adv.waitText("https://lp.example/spring?cid={click_id}")
	adv.shot("landings")

	section(adv, "/app/sources", "Traffic sources")
	adv.click("button[name=new]")
	adv.fill("input[name=name]", "Newsletter")
	adv.submit("input[name=name]")
	adv.do("source listed", chromedp.WaitNotPresent(chromedp.CSS(".editor")))
	adv.waitText("Newsletter")
	adv.shot("sources")

	section(adv, "/app/terms", "Commission terms")
	adv.click("button[name=new]")
	adv.do("partner choice", chromedp.Poll[chromedp.Void](`document.querySelectorAll('select[name=partner_id] option').length > 1`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
	adv.choose("select[name=partner_id]", eval[string](adv, `document.querySelectorAll('select[name=partner_id] option')[1].value`))
	adv.fill(`input[name="params.amount"]`, "-1")
	adv.submit(`input[name="params.amount"]`)
	adv.do("amount field error", chromedp.WaitVisible(chromedp.CSS(`.field.invalid input[name="params.amount"]`)))
	adv.fill(`input[name="params.amount"]`, "6.25")
	adv.submit(`input[name="params.amount"]`)
	adv.waitText("CPA (fixed per conversion)")
	adv.waitText(`"amount":"6.25"`)
	adv.shot("commission-terms")

	section(adv, "/app/fx-rates", "FX rates")
	adv.fill("input[name=rate]", "1.0842")
	adv.submit("input[name=rate]")
	adv.waitText("EUR/USD")
	adv.shot("fx-rates")

	section(adv, "/app/balances", "Balances")
	adv.waitText("Partner balances")
	adv.shot("balances")
	section(adv, "/app/payouts", "Payouts")
	adv.waitText("Pay a partner")
	adv.shot("payouts")

	// At phone width the new pages fit the screen: no sideways scrolling.
	adv.do("phone width", chromedp.EmulateViewport(390, 844))
	for _, page := range []struct{ path, wait string }{
		{"/app", "Top campaigns"}, {"/app/campaigns", "Spring launch"}, {"/app/postbacks", "Postback token"}, {"/app/marketplace", "Click quality scorer"},
	} {
		adv.open(page.path)
		adv.waitText(page.wait)
		if w := eval[int](adv, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
			adv.b.t.Errorf("%s is %dpx wider than a phone's screen", page.path, w)
		}
		adv.shot(strings.Trim(strings.ReplaceAll(page.path, "/", "-"), "-") + "-phone")
	}
	adv.do("desktop width", chromedp.EmulateViewport(1280, 900))
}
