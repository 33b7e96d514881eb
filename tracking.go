package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/conversion"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/geo"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/postgres"
	"github.com/affcore/affcore/core/stats"
	"github.com/affcore/affcore/core/useragent"
)

// tracking is the tracking area wired: services for the HTTP layer and the
// background workers (snapshot refresh, click ingest, conversion relay,
// partition maintenance).
type tracking struct {
	catalog     *catalog.Service
	tracker     *click.Tracker
	links       *click.Signer
	conversions *conversion.Service
	stats       *stats.Service
	workers     []func(ctx context.Context)
	closers     []func()
}

// catalogNotifier tells every node that a tenant's catalogue changed. This
// node reloads its snapshot before the API call returns, so a campaign
// redirects here as soon as it is created; other nodes reload on the bus
// notice within milliseconds.
type catalogNotifier struct {
	bus    *natsbus.Bus
	routes *click.Routes
	log    *slog.Logger
}

func (n catalogNotifier) CatalogChanged(ctx context.Context, tenant core.TenantID) {
	if err := n.routes.Reload(ctx); err != nil {
		n.routes.Invalidate() // the background loop retries
		n.log.Warn("reload click snapshot after a catalogue change", "err", err, "tenant_id", tenant)
	}
	if err := n.bus.Notify(event.Subject(tenant, event.CatalogChanged), nil); err != nil {
		n.log.Warn("announce catalogue change", "err", err, "tenant_id", tenant)
	}
}

// newTracking builds the tracking area on the database and the bus.
func newTracking(ctx context.Context, cfg Config, db *postgres.DB, bus *natsbus.Bus, scorer click.Scorer, log *slog.Logger) (*tracking, error) {
	t := &tracking{}
	clock := core.SystemClock{}
	clicks := postgres.NewClickStore(db)
	key, err := clicks.LinkKey(ctx)
	if err != nil {
		return nil, err
	}
	t.links = click.NewSigner(key)
	routes := click.NewRoutes(clicks, clock, 5*time.Second, log.With("component", "click-snapshot"))
	if err := routes.Reload(ctx); err != nil {
		return nil, fmt.Errorf("load click snapshot: %w", err)
	}
	stop, err := bus.Listen(event.AllTenants(event.CatalogChanged), func(string, []byte) { routes.Invalidate() })
	if err != nil {
		return nil, err
	}
	t.closers = append(t.closers, stop)
	locator, err := openGeo(cfg, log)
	if err != nil {
		return nil, err
	}
	t.closers = append(t.closers, locator.Close)
	t.tracker = click.NewTracker(click.TrackerConfig{Routes: routes, Signer: t.links, Locator: locator,
		UA: useragent.New(10000), Recorder: click.NewBatcher(bus, click.BatcherConfig{InFlight: cfg.clickPublishes()}), Clock: clock, Hook: scorer})
	t.catalog = catalog.NewService(postgres.NewCatalogStore(db), catalogNotifier{bus: bus, routes: routes, log: log}, clock)
	convs := postgres.NewConversionStore(db)
	t.conversions = conversion.NewService(convs, convs, click.NewFinder(clicks, bus, 0), bus, clock, log.With("component", "postback"))
	st := postgres.NewStatsStore(db)
	t.stats = stats.NewService(st, st) // payouts: the offers' default payouts until the ledger supplies commissions
	puller, err := bus.Puller(ctx, event.ClicksStream.Name, "click-ingest", 30*time.Second)
	if err != nil {
		return nil, err
	}
	ingest := click.NewIngester(puller, clicks, click.IngestConfig{Workers: cfg.IngestWorkers}, log.With("component", "click-ingest"))
	t.workers = []func(context.Context){
		routes.Run,
		ingest.Run,
		func(ctx context.Context) { t.conversions.RunRelay(ctx, 5*time.Second) },
		func(ctx context.Context) { click.RunMaintenance(ctx, clicks, clock, time.Hour, log) },
	}
	return t, nil
}

// openGeo opens the configured GeoIP databases, else the downloaded defaults
// in <data-dir>/geoip when present.
func openGeo(cfg Config, log *slog.Logger) (*geo.DB, error) {
	loc, asn := cfg.GeoIPDB, cfg.GeoIPASNDB
	if loc == "" {
		loc = existing(filepath.Join(cfg.DataDir, "geoip", "country.mmdb"))
	}
	if asn == "" {
		asn = existing(filepath.Join(cfg.DataDir, "geoip", "asn.mmdb"))
	}
	db, err := geo.Open(loc, asn)
	if err != nil {
		return nil, err
	}
	if loc == "" {
		log.Warn("no GeoIP database: clicks get no country (run make geoip or set AFFCORE_GEOIP_DB)")
	}
	log.Info("geoip", "databases", db.Describe())
	return db, nil
}

func existing(path string) string {
	if _, err := os.Stat(path); err == nil {
		return path
	}
	return ""
}
