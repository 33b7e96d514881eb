package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/catalog"
	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postgres"
)

// startBinaryEnv runs the real binary with extra environment variables.
func startBinaryEnv(t testing.TB, dataDir, addr string, vars ...string) *exec.Cmd {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var out syncBuffer
	cmd := exec.Command(bin, "serve", "--data-dir", dataDir, "--addr", addr, "--log-level", "warn")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, vars...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("affcore output:\n%s", out.b.String())
		}
	})
	return cmd
}

// clickBurst sends clicks from workers until stop is closed and returns the
// ids of every click that was answered with a 302.
func clickBurst(addr, campaign string, workers int, stop <-chan struct{}) []string {
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var mu sync.Mutex
	var ids []string
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := client.Get("http://" + addr + "/api/v1/track/" + campaign)
				if err != nil {
					continue // the server is gone: this click got no 302
				}
				res.Body.Close()
				if res.StatusCode == http.StatusFound {
					id, _, _ := strings.Cut(strings.TrimPrefix(res.Header.Get("Location"), "https://shop.example/?cid="), "&")
					mu.Lock()
					ids = append(ids, id)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return ids
}

// TestBinary_KillDuringClickBurst: every click that got a 302 before kill -9
// is in PostgreSQL after a restart, once, and counted once in the rollups.
func TestBinary_KillDuringClickBurst(t *testing.T) {
	ctx := context.Background()
	dbURL := coretest.DatabaseURL(t)
	db, err := postgres.Open(ctx, postgres.Config{URL: dbURL}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tenant := coretest.Tenant(t, db)
	cat := catalog.NewService(postgres.NewCatalogStore(db), nil, core.SystemClock{})
	o, err := cat.CreateOffer(ctx, tenant, catalog.Offer{Name: "O", URL: "https://shop.example/?cid={click_id}&x=1"})
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := cat.CreateCampaign(ctx, tenant, catalog.Campaign{Name: "C", OfferID: o.ID})
	if err != nil {
		t.Fatal(err)
	}

	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	first := startBinaryEnv(t, dataDir, addr, "DATABASE_URL="+dbURL)
	waitReady(t, addr, 60*time.Second)
	stop := make(chan struct{})
	done := make(chan []string)
	go func() { done <- clickBurst(addr, cmp.ID, 16, stop) }()
	time.Sleep(1500 * time.Millisecond)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	time.Sleep(200 * time.Millisecond) // requests in flight fail now
	close(stop)
	ids := <-done
	if len(ids) < 100 {
		t.Fatalf("only %d clicks redirected before the kill", len(ids))
	}

	startBinaryEnv(t, dataDir, addr, "DATABASE_URL="+dbURL)
	waitReady(t, addr, 60*time.Second)
	var found, total, rolled int64
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM clicks WHERE id = ANY($1)`, ids).Scan(&found); err != nil {
			t.Fatal(err)
		}
		if found == int64(len(ids)) {
			break
		}
	}
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM clicks`).Scan(&total)
	_ = db.Pool.QueryRow(ctx, `SELECT coalesce(sum(clicks), 0) FROM click_stats_hourly`).Scan(&rolled)
	t.Logf("%d clicks redirected before kill -9; %d in PostgreSQL after restart (%d stored in all)", len(ids), found, total)
	if found != int64(len(ids)) {
		t.Fatalf("%d of %d redirected clicks are in PostgreSQL", found, len(ids))
	}
	if rolled != total {
		t.Fatalf("rollups count %d clicks; the table holds %d", rolled, total)
	}
}

// TestTracking_ChangesReachEveryNode: two nodes share PostgreSQL and NATS; a
// campaign created through one node redirects on the other within a second.
func TestTracking_ChangesReachEveryNode(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	bus := coretest.NATS(t)
	if err := bus.EnsureStreams(ctx, event.Streams()); err != nil {
		t.Fatal(err)
	}
	cfg := Config{DataDir: t.TempDir(), IngestWorkers: 1}
	var nodes [2]*tracking
	for i := range nodes {
		n, err := newTracking(ctx, cfg, db, bus, nil, coretest.Logger())
		if err != nil {
			t.Fatal(err)
		}
		a := &app{workers: n.workers, closers: n.closers}
		wctx, cancel := context.WithCancel(ctx)
		wait := a.run(wctx)
		t.Cleanup(func() { cancel(); wait() })
		nodes[i] = n
	}
	tenant := coretest.Tenant(t, db)
	o, err := nodes[0].catalog.CreateOffer(ctx, tenant, catalog.Offer{Name: "O", URL: "https://shop.example/?c={click_id}"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := nodes[0].catalog.CreateCampaign(ctx, tenant, catalog.Campaign{Name: "C", OfferID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Now()
	for {
		if _, err := nodes[1].tracker.Track(ctx, click.Request{CampaignID: c.ID}); err == nil {
			break
		}
		if time.Since(created) > time.Second {
			t.Fatal("the other node does not know the new campaign after 1s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("the other node redirected %s after the change", time.Since(created))
	c.Status = catalog.StatusArchived
	if _, err := nodes[0].catalog.UpdateCampaign(ctx, tenant, c); err != nil {
		t.Fatal(err)
	}
	for changed := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		if _, err := nodes[1].tracker.Track(ctx, click.Request{CampaignID: c.ID}); core.KindOf(err) == core.KindNotFound {
			break
		}
		if time.Since(changed) > time.Second {
			t.Fatal("the other node still redirects an archived campaign after 1s")
		}
	}
}
