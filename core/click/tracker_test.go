package click_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/geo"
	"github.com/affcore/affcore/core/geo/geotest"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/useragent"
)

// loaderFunc is a SnapshotLoader from a function (tests build snapshots by hand).
type loaderFunc func(ctx context.Context, now time.Time) (*click.Snapshot, error)

func (f loaderFunc) LoadSnapshot(ctx context.Context, now time.Time) (*click.Snapshot, error) {
	return f(ctx, now)
}

// scorerFunc is a Scorer from a function.
type scorerFunc func(ctx context.Context, c *click.Click) (click.Score, error)

func (f scorerFunc) Score(ctx context.Context, c *click.Click) (click.Score, error) { return f(ctx, c) }

const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"

func testRoutes() map[string]*click.Route {
	base := click.Route{TenantID: "ten_a", OfferID: "off_1", Serving: true, Fallback: "https://fallback.example/?c={click_id}",
		Destination: "https://shop.example/?cid={click_id}&s1={sub1}&geo={country}&dev={device}&p={partner_id}",
		Partners:    map[string]bool{"prt_1": true}}
	routes := map[string]*click.Route{}
	for id, mod := range map[string]func(r *click.Route){
		"cmp_ok":      func(*click.Route) {},
		"cmp_paused":  func(r *click.Route) { r.Serving = false },
		"cmp_capped":  func(r *click.Route) { r.Capped = true },
		"cmp_geo":     func(r *click.Route) { r.Countries = []string{"US"} },
		"cmp_nofall":  func(r *click.Route) { r.Serving, r.Fallback = false, "" },
		"cmp_landing": func(r *click.Route) { r.Destination, r.LandingID = "https://lp.example/{click_id}", "lnd_1" },
	} {
		r := base
		r.CampaignID = id
		mod(&r)
		routes[id] = &r
	}
	return routes
}

func newTracker(t *testing.T, hook click.Scorer) (*click.Tracker, *click.Signer, *natsbus.Bus) {
	t.Helper()
	bus := coretest.NATS(t)
	if err := bus.EnsureStreams(context.Background(), event.Streams()); err != nil {
		t.Fatal(err)
	}
	routes := click.NewRoutes(loaderFunc(func(context.Context, time.Time) (*click.Snapshot, error) {
		return &click.Snapshot{Routes: testRoutes()}, nil
	}), core.SystemClock{}, time.Hour, coretest.Logger())
	if err := routes.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	g, err := geo.Open(geotest.CityDB(t, geotest.Places), geotest.ASNDB(t, geotest.Places))
	if err != nil {
		t.Fatal(err)
	}
	signer := click.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	return click.NewTracker(click.TrackerConfig{Routes: routes, Signer: signer, Locator: g, UA: useragent.New(100),
		Recorder: click.NewBatcher(bus, click.BatcherConfig{}), Clock: core.SystemClock{}, Hook: hook, HookDeadline: 20 * time.Millisecond}), signer, bus
}

// stored finds a click among the batches the stream holds.
func stored(t *testing.T, bus *natsbus.Bus, id string) (click.Click, bool) {
	t.Helper()
	clicks, _ := streamClicks(t, bus)
	c, ok := clicks[id]
	return c, ok
}

func TestTracker_Track(t *testing.T) {
	tr, signer, bus := newTracker(t, nil)
	ctx := context.Background()
	uk := netip.MustParseAddr("81.2.69.160")
	cases := []struct {
		name       string
		req        click.Request
		wantPrefix string
		wantRoute  string
	}{
		{"campaign-link", click.Request{CampaignID: "cmp_ok", IP: uk, UserAgent: chrome, RawQuery: "sub1=a%20b&gclid=G&utm=x"},
			"https://shop.example/?cid=clk_", "offer"},
		{"partner-link", click.Request{Token: signer.Sign("cmp_ok", "prt_1"), IP: uk, UserAgent: chrome}, "https://shop.example/?cid=clk_", "offer"},
		{"landing", click.Request{CampaignID: "cmp_landing", IP: uk}, "https://lp.example/clk_", "offer"},
		{"paused-fallback", click.Request{CampaignID: "cmp_paused", IP: uk}, "https://fallback.example/?c=clk_", "paused"},
		{"cap-fallback", click.Request{CampaignID: "cmp_capped", IP: uk}, "https://fallback.example/", "cap"},
		{"country-fallback", click.Request{CampaignID: "cmp_geo", IP: uk}, "https://fallback.example/", "country"},
		{"country-allowed", click.Request{CampaignID: "cmp_geo", IP: netip.MustParseAddr("8.8.8.8")}, "https://shop.example/", "offer"},
		{"malformed-subs-still-redirect", click.Request{CampaignID: "cmp_ok", RawQuery: "sub1=%zz&sub2=%00ok&sub3=" + strings.Repeat("x", 999)},
			"https://shop.example/", "offer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tr.Track(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(res.URL, tc.wantPrefix) || !strings.Contains(res.URL, res.ClickID) {
				t.Fatalf("URL = %q; want prefix %q with the click id", res.URL, tc.wantPrefix)
			}
			c, found := stored(t, bus, res.ClickID)
			if !found || c.Route != tc.wantRoute || c.ID != res.ClickID {
				t.Fatalf("stream holds %+v (found %v); want route %s", c, found, tc.wantRoute)
			}
		})
	}
	t.Run("click-facts", func(t *testing.T) {
		res, err := tr.Track(ctx, click.Request{Token: signer.Sign("cmp_ok", "prt_1"), IP: uk, UserAgent: chrome,
			Referrer: "https://news.example/", RawQuery: "sub1=a%20b&gclid=G&utm=x"})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := stored(t, bus, res.ClickID)
		at, _ := core.IDTime(c.ID)
		if c.Country != "GB" || c.City != "London" || c.ASN != 20712 || c.Device != "desktop" || c.Browser != "Chrome" ||
			c.Subs[0] != "a b" || c.GCLID != "G" || c.Params["utm"] != "x" || c.PartnerID != "prt_1" ||
			c.Referrer != "https://news.example/" || !at.Equal(c.At) || c.Fraud {
			t.Fatalf("click = %+v", c)
		}
		if !strings.Contains(res.URL, "s1=a+b&geo=GB&dev=desktop&p=prt_1") {
			t.Fatalf("macros not filled: %s", res.URL)
		}
	})
}

func TestTracker_NotFoundRecordsNothing(t *testing.T) {
	tr, signer, bus := newTracker(t, nil)
	forged := signer.Sign("cmp_ok", "prt_1")
	for name, req := range map[string]click.Request{
		"unknown-campaign":    {CampaignID: "cmp_nope"},
		"forged-token":        {Token: forged[:len(forged)-3] + "AAA"},
		"garbage-token":       {Token: "not-a-token"},
		"partner-not-granted": {Token: signer.Sign("cmp_ok", "prt_2")},
		"paused-no-fallback":  {CampaignID: "cmp_nofall"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tr.Track(context.Background(), req); core.KindOf(err) != core.KindNotFound {
				t.Fatalf("err = %v; want not found", err)
			}
		})
	}
	s, err := bus.JS.Stream(context.Background(), event.ClicksStream.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := s.Info(context.Background()); info.State.Msgs != 0 {
		t.Fatalf("%d clicks recorded for refused links", info.State.Msgs)
	}
}

func TestTracker_Scoring(t *testing.T) {
	t.Run("bot-is-fraud", func(t *testing.T) {
		tr, _, bus := newTracker(t, nil)
		res, err := tr.Track(context.Background(), click.Request{CampaignID: "cmp_ok", UserAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"})
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := stored(t, bus, res.ClickID); !c.Fraud || c.Score != 0 || c.Device != "bot" {
			t.Fatalf("bot click = %+v", c)
		}
	})
	t.Run("hook-lowers-score", func(t *testing.T) {
		tr, _, bus := newTracker(t, scorerFunc(func(context.Context, *click.Click) (click.Score, error) {
			return click.Score{Value: 10, Reasons: []string{"datacenter"}}, nil
		}))
		res, _ := tr.Track(context.Background(), click.Request{CampaignID: "cmp_ok", UserAgent: chrome})
		if c, _ := stored(t, bus, res.ClickID); !c.Fraud || c.Score != 10 || c.Reasons[0] != "datacenter" {
			t.Fatalf("click = %+v", c)
		}
	})
	t.Run("slow-or-failing-hook-fails-open", func(t *testing.T) {
		for _, hook := range []click.Scorer{
			scorerFunc(func(context.Context, *click.Click) (click.Score, error) {
				time.Sleep(time.Second) // ignores its deadline
				return click.Score{Value: 0}, nil
			}),
			scorerFunc(func(context.Context, *click.Click) (click.Score, error) {
				return click.Score{}, errors.New("plugin trapped")
			}),
		} {
			tr, _, bus := newTracker(t, hook)
			start := time.Now()
			res, err := tr.Track(context.Background(), click.Request{CampaignID: "cmp_ok", UserAgent: chrome})
			if err != nil || time.Since(start) > 500*time.Millisecond {
				t.Fatalf("track took %s, err %v", time.Since(start), err)
			}
			if c, _ := stored(t, bus, res.ClickID); c.Fraud || c.Score != 100 {
				t.Fatalf("click = %+v", c)
			}
		}
	})
}

func TestTracker_BusDownRefusesRedirect(t *testing.T) {
	tr, _, bus := newTracker(t, nil)
	bus.Conn.Close()
	if _, err := tr.Track(context.Background(), click.Request{CampaignID: "cmp_ok"}); core.KindOf(err) != core.KindUnavailable {
		t.Fatalf("err = %v; want unavailable (no redirect without a durable click)", err)
	}
}

// BenchmarkTrack is the click path without HTTP: snapshot lookup, query
// parsing, UA, GeoIP, scoring, macros and the durable publish, from 64
// concurrent clicks.
func BenchmarkTrack(b *testing.B) {
	bus := coretest.NATS(b)
	if err := bus.EnsureStreams(context.Background(), event.Streams()); err != nil {
		b.Fatal(err)
	}
	routes := click.NewRoutes(loaderFunc(func(context.Context, time.Time) (*click.Snapshot, error) {
		return &click.Snapshot{Routes: testRoutes()}, nil
	}), core.SystemClock{}, time.Hour, coretest.Logger())
	_ = routes.Reload(context.Background())
	g, _ := geo.Open(geotest.CityDB(b, geotest.Places), geotest.ASNDB(b, geotest.Places))
	for _, pub := range []struct {
		name string
		p    click.Publisher
	}{{"durable", bus}, {"no-publish", nopPublisher{}}} {
		b.Run(pub.name, func(b *testing.B) {
			tr := click.NewTracker(click.TrackerConfig{Routes: routes, Signer: click.NewSigner(make([]byte, 32)), Locator: g,
				UA: useragent.New(100), Recorder: click.NewBatcher(pub.p, click.BatcherConfig{}), Clock: core.SystemClock{}})
			req := click.Request{CampaignID: "cmp_ok", IP: netip.MustParseAddr("81.2.69.160"), UserAgent: chrome, RawQuery: "sub1=a&gclid=x"}
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := tr.Track(context.Background(), req); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clicks/s")
		})
	}
}

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, string, []byte, string) error { return nil }
