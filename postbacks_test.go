package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/core/postgres"
)

// startBinaryWith runs the real binary with extra environment and flags.
func startBinaryWith(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var out syncBuffer
	cmd := exec.Command(bin, append([]string{"serve", "--log-level", "warn"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, &out
}

// distinctReceiver counts the logical deliveries (idempotency ids) it got.
// Once gateAt ids have arrived it holds further requests until gate is
// closed, so the server is certainly killed in the middle of the burst.
type distinctReceiver struct {
	mu       sync.Mutex
	ids      map[string]int
	requests int
	held     int
	gateAt   int
	gate     chan struct{}
}

func (d *distinctReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	hold := len(d.ids) >= d.gateAt
	if hold {
		d.held++
	}
	d.mu.Unlock()
	if hold {
		select {
		case <-d.gate:
		case <-r.Context().Done():
			return // the sender died: never applied
		}
	}
	d.mu.Lock()
	d.ids[r.Header.Get("Idempotency-Key")]++
	d.requests++
	d.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (d *distinctReceiver) counts() (distinct, requests, held int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.ids), d.requests, d.held
}

// TestBinary_PostbacksSurviveKill9 is the crash path of outgoing postbacks
// with the real binary: a burst of commission events, kill -9 while the
// postbacks are being sent, restart on the same data directory (its
// JetStream store) and database, and every postback arrives.
func TestBinary_PostbacksSurviveKill9(t *testing.T) {
	ctx := context.Background()
	dbURL := coretest.DatabaseURL(t)
	db, err := postgres.Open(ctx, postgres.Config{URL: dbURL}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tenant := coretest.Tenant(t, db)
	partner := coretest.Partner(t, db, tenant)
	const n = 2000
	rc := &distinctReceiver{ids: map[string]int{}, gateAt: n / 4, gate: make(chan struct{})}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	now := time.Now().UTC()
	err = postgres.NewPostbackStore(db).CreateEndpoint(ctx, postback.Endpoint{ID: core.NewID("pbk"), TenantID: tenant,
		Kind: postback.KindPartner, PartnerID: partner, URL: srv.URL + "/pb?cid={click_id}&sum={payout}", Method: "GET",
		Format: "url", Enabled: true, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}

	dataDir, addr, natsAddr := filepath.Join(t.TempDir(), "data"), freeAddr(t), freeAddr(t)
	env := []string{"DATABASE_URL=" + dbURL, "AFFCORE_ALLOW_PRIVATE_OUTBOUND=1", "AFFCORE_POSTBACK_TIMEOUT=2s",
		"AFFCORE_POSTBACK_RETRY_SCHEDULE=200ms,500ms"}
	args := []string{"--data-dir", dataDir, "--addr", addr, "--nats-listen", natsAddr}
	first, out := startBinaryWith(t, env, args...)
	waitReady(t, addr, 60*time.Second)

	publishCommissions(t, natsAddr, tenant, partner, n)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, _, held := rc.counts(); held > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("postbacks did not start flowing\n%s", out.b.String())
		}
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	close(rc.gate)
	atKill, _, _ := rc.counts()
	if atKill >= n {
		t.Fatalf("all %d postbacks arrived before the kill: the crash path was not exercised", n)
	}

	restarted, out := startBinaryWith(t, env, args...)
	waitReady(t, addr, 60*time.Second)
	ready := time.Now()
	deadline := time.Now().Add(90 * time.Second)
	for d, _, _ := rc.counts(); d < n; d, _, _ = rc.counts() {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d postbacks arrived after the restart (%d before the kill)\n%s", d, n, atKill, out.b.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(ready)
	var delivered, failed int
	for time.Now().Before(deadline) {
		err := db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status = 'failed')
			FROM postback_deliveries WHERE tenant_id = $1`, tenant).Scan(&delivered, &failed)
		if err != nil {
			t.Fatal(err)
		}
		if delivered == n {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	distinct, requests, _ := rc.counts()
	t.Logf("%d postbacks: %d arrived before kill -9, all %d within %s of the restart (%d requests: duplicates are in-flight ones, deduped by idempotency id)",
		n, atKill, distinct, recovered.Round(time.Millisecond), requests)
	if delivered != n || failed != 0 {
		t.Fatalf("log: %d delivered, %d failed; want %d delivered", delivered, failed, n)
	}
	if err := restarted.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := restarted.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, out.b.String())
	}
}

// publishCommissions plays the ledger: n CommissionDecided events for
// partner, over the embedded NATS's TCP listener.
func publishCommissions(t *testing.T, natsAddr string, tenant core.TenantID, partner string, n int) {
	t.Helper()
	ctx := context.Background()
	bus, err := natsbus.Open(ctx, natsbus.Config{URL: "nats://" + natsAddr, Name: "test-ledger"}, coretest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	for i := range n {
		c := event.Commission{Conversion: event.Conversion{TenantID: tenant, ConversionID: fmt.Sprintf("cv_%d", i), Seq: 1,
			ClickID: fmt.Sprintf("clk_%d", i), OfferID: "off_1", PartnerID: partner, Event: "conversion",
			Status: event.StatusApproved, Currency: "USD", OccurredAt: time.Now().UTC()},
			Commission: core.MustParseDecimal("2.50"), Currency: "USD", Moved: true}
		b, _ := json.Marshal(c)
		if err := bus.Publish(ctx, event.Subject(tenant, event.CommissionDecided), b, c.MsgID()); err != nil {
			t.Fatal(err)
		}
	}
}
