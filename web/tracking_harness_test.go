package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/access"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/geo"
	"github.com/affcore/affcore/core/geo/geotest"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/stats"
	"github.com/affcore/affcore/core/useragent"
	"github.com/affcore/affcore/web"
)

func TestMain(m *testing.M) { coretest.Main(m) }

// reloadNotifier reloads the click snapshot synchronously on every change,
// so a test can click a link right after creating it.
type reloadNotifier struct{ routes *click.Routes }

func (n reloadNotifier) CatalogChanged(ctx context.Context, _ core.TenantID) {
	_ = n.routes.Reload(ctx)
}

// trackingEnv is the tracking area on a real database and bus, behind a real
// HTTP server, with two tenants and their principals.
type trackingEnv struct {
	srv       *httptest.Server
	db        *postgres.DB
	tenantA   core.TenantID
	tenantB   core.TenantID
	partnerA  string // granted offers in tests
	partnerA2 string // never granted anything
	postbackA string
}

// Tokens of staticAuth in the tracking tests.
const (
	tokOwnerA    = "owner-a"
	tokOwnerB    = "owner-b"
	tokAnalystA  = "analyst-a"
	tokKeyA      = "key-a-reports-only"
	tokPartnerA  = "partner-a"
	tokPartnerA2 = "partner-a2"
	tokPartnerB  = "partner-b"
)

func newTrackingEnv(t *testing.T) *trackingEnv {
	t.Helper()
	ctx := context.Background()
	e := &trackingEnv{db: coretest.DB(t)}
	bus := coretest.NATS(t)
	if err := bus.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	e.tenantA, e.tenantB = coretest.Tenant(t, e.db), coretest.Tenant(t, e.db)
	e.partnerA, e.partnerA2 = coretest.Partner(t, e.db, e.tenantA), coretest.Partner(t, e.db, e.tenantA)
	partnerB := coretest.Partner(t, e.db, e.tenantB)
	_ = e.db.Pool.QueryRow(ctx, `SELECT postback_token FROM tenants WHERE id=$1`, e.tenantA).Scan(&e.postbackA)
	auth := staticAuth{
		tokOwnerA:   {Kind: access.KindUser, TenantID: e.tenantA, UserID: "usr_a", Role: access.RoleOwner},
		tokOwnerB:   {Kind: access.KindUser, TenantID: e.tenantB, UserID: "usr_b", Role: access.RoleOwner},
		tokAnalystA: {Kind: access.KindUser, TenantID: e.tenantA, UserID: "usr_an", Role: access.RoleAnalyst},
		tokKeyA: {Kind: access.KindUser, TenantID: e.tenantA, UserID: "usr_a", Role: access.RoleOwner, APIKeyID: "key_1",
			Scopes: []access.Scope{access.ReportsRead}},
		tokPartnerA:  {Kind: access.KindPartner, TenantID: e.tenantA, PartnerID: e.partnerA},
		tokPartnerA2: {Kind: access.KindPartner, TenantID: e.tenantA, PartnerID: e.partnerA2},
		tokPartnerB:  {Kind: access.KindPartner, TenantID: e.tenantB, PartnerID: partnerB},
	}
	e.srv = httptest.NewUnstartedServer(nil)
	deps := web.Deps{Auth: auth, BaseURL: "http://" + e.srv.Listener.Addr().String(),
		Log: coretest.Logger(), Registry: prometheus.NewRegistry()}
	e.wire(t, &deps, bus)
	e.srv.Config.Handler = web.NewServer(deps)
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	e.startIngest(t, bus, postgres.NewClickStore(e.db))
	return e
}

// startIngest runs click ingest until the test ends.
func (e *trackingEnv) startIngest(t *testing.T, bus *natsbus.Bus, clicks *postgres.ClickStore) {
	t.Helper()
	puller, err := bus.Puller(context.Background(), event.ClicksStream.Name, "ingest", 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	in := click.NewIngester(puller, clicks, click.IngestConfig{Workers: 1, MaxWait: 20 * time.Millisecond}, coretest.Logger())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// wire builds the tracking services the way affcore serve does.
func (e *trackingEnv) wire(t *testing.T, d *web.Deps, bus interface {
	click.Publisher
	event.Drainer
}) {
	t.Helper()
	ctx := context.Background()
	clicks := postgres.NewClickStore(e.db)
	key, err := clicks.LinkKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	routes := click.NewRoutes(clicks, core.SystemClock{}, time.Hour, coretest.Logger())
	g, err := geo.Open(geotest.CityDB(t, geotest.Places), geotest.ASNDB(t, geotest.Places))
	if err != nil {
		t.Fatal(err)
	}
	d.Links = click.NewSigner(key)
	d.Tracker = click.NewTracker(click.TrackerConfig{Routes: routes, Signer: d.Links, Locator: g, UA: useragent.New(64),
		Recorder: click.NewBatcher(bus, click.BatcherConfig{}), Clock: core.SystemClock{}})
	d.Catalog = catalog.NewService(postgres.NewCatalogStore(e.db), reloadNotifier{routes}, core.SystemClock{})
	convs := postgres.NewConversionStore(e.db)
	d.Conversions = conversion.NewService(convs, convs, click.NewFinder(clicks, bus, 0), bus, core.SystemClock{}, coretest.Logger())
	st := postgres.NewStatsStore(e.db)
	d.Stats = stats.NewService(st, st)
	d.ClientIP = func(r *http.Request) string { // the tests pose as visitors from various addresses
		if ip := r.Header.Get("X-Test-IP"); ip != "" {
			return ip
		}
		return web.RemoteIP(r)
	}
}

// create posts body to url as tok and returns the new resource's id.
func (e *trackingEnv) create(t *testing.T, tok, url, body string) string {
	t.Helper()
	b := scenario{method: "POST", url: url, body: body, token: tok, wantStatus: 201}.run(t, e.srv)
	var v struct {
		ID string `json:"id"`
	}
	decodeJSON(t, b, &v)
	return v.ID
}

// do sends a request and returns the response (redirects are not followed).
func (e *trackingEnv) do(t *testing.T, method, url string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// waitStats polls the stats as tok until cond holds on the total row.
func (e *trackingEnv) waitStats(t *testing.T, tok, url string, cond func(row map[string]any) bool) map[string]any {
	t.Helper()
	var last []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		last = scenario{method: "GET", url: url, token: tok, wantStatus: 200}.run(t, e.srv)
		var l struct {
			Items []map[string]any `json:"items"`
		}
		decodeJSON(t, last, &l)
		if len(l.Items) > 0 && cond(l.Items[0]) {
			return l.Items[0]
		}
	}
	t.Fatalf("stats never matched: %s", last)
	return nil
}
