package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/coretest"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/core/postgres"
)

func newEndpoint(tenant core.TenantID, partner, offer string) postback.Endpoint {
	now := time.Now().UTC().Truncate(time.Microsecond)
	kind := postback.KindPartner
	if partner == "" {
		kind = postback.KindWebhook
	}
	return postback.Endpoint{ID: core.NewID("pbk"), TenantID: tenant, Kind: kind, PartnerID: partner, OfferID: offer,
		URL: "https://p.example/pb?c={click_id}", Method: "GET", Format: "url", Enabled: true, CreatedAt: now, UpdatedAt: now}
}

func TestPostbackStore_EndpointsScopedByTenantAndOwner(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewPostbackStore(db)
	tenA, tenB := coretest.Tenant(t, db), coretest.Tenant(t, db)
	p1, p2, pB := coretest.Partner(t, db, tenA), coretest.Partner(t, db, tenA), coretest.Partner(t, db, tenB)

	g := newEndpoint(tenA, p1, "")
	if err := s.CreateEndpoint(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateEndpoint(ctx, newEndpoint(tenA, p1, "")); core.KindOf(err) != core.KindConflict {
		t.Fatalf("second global postback: %v; want conflict", err)
	}
	o := newEndpoint(tenA, p1, "off_1")
	o.Events = []string{"approved", "deposit"}
	if err := s.CreateEndpoint(ctx, o); err != nil {
		t.Fatal(err)
	}
	// A partner of another tenant cannot be referenced.
	if err := s.CreateEndpoint(ctx, newEndpoint(tenA, pB, "")); core.KindOf(err) != core.KindInvalid {
		t.Fatalf("endpoint for another tenant's partner: %v; want invalid", err)
	}
	got, err := s.Endpoints(ctx, tenA, postback.PartnerOwner(p1))
	if err != nil || len(got) != 2 || got[0].ID != g.ID || got[1].Events[1] != "deposit" {
		t.Fatalf("Endpoints = %+v, %v", got, err)
	}
	for name, fn := range map[string]func() error{
		"other-partner": func() error { _, err := s.Endpoint(ctx, tenA, postback.PartnerOwner(p2), o.ID); return err },
		"other-tenant":  func() error { _, err := s.Endpoint(ctx, tenB, postback.PartnerOwner(p1), o.ID); return err },
		"as-webhook":    func() error { _, err := s.Endpoint(ctx, tenA, postback.WebhookOwner(), o.ID); return err },
		"delete-other":  func() error { return s.DeleteEndpoint(ctx, tenA, postback.PartnerOwner(p2), o.ID) },
		"update-other":  func() error { o2 := o; o2.PartnerID = p2; return s.UpdateEndpoint(ctx, o2) },
		"partner-other": func() error { return s.PartnerExists(ctx, tenB, p1) },
	} {
		if err := fn(); core.KindOf(err) != core.KindNotFound {
			t.Errorf("%s: %v; want not found", name, err)
		}
	}
	w := newEndpoint(tenA, "", "")
	if err := s.CreateEndpoint(ctx, w); err != nil {
		t.Fatal(err)
	}
	keys := []postback.PartnerKey{{TenantID: tenA, PartnerID: p1}, {TenantID: tenB, PartnerID: p1}}
	if eps, err := s.PartnerEndpoints(ctx, keys); err != nil || len(eps) != 2 {
		t.Errorf("PartnerEndpoints = %d, %v; want 2", len(eps), err)
	}
	if ws, err := s.Webhooks(ctx, []core.TenantID{tenA, tenB}); err != nil || len(ws) != 1 || ws[0].PartnerID != "" {
		t.Errorf("Webhooks = %+v, %v", ws, err)
	}
}

func job(tenant core.TenantID, partner string, attempt int) event.OutgoingPostback {
	return event.OutgoingPostback{DeliveryID: core.NewID("pbd"), TenantID: tenant, Kind: "partner", PartnerID: partner,
		EndpointID: "pbk_1", ConversionID: "cv_1", Event: "conversion", Status: "approved", URL: "https://p.example/",
		Method: "GET", Format: "url", Values: map[string]string{"payout": "1.00"}, Attempt: attempt,
		FirstAt: time.Now().UTC().Truncate(time.Microsecond)}
}

func attempt(code int) *postback.Attempt {
	return &postback.Attempt{Method: "GET", URL: "https://p.example/?token=redacted", StatusCode: code,
		Excerpt: "nope", Latency: 1500 * time.Microsecond, StartedAt: time.Now()}
}

func TestPostbackStore_RecordResultsAndRetrySchedule(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewPostbackStore(db)
	ten := coretest.Tenant(t, db)
	p := coretest.Partner(t, db, ten)
	j := job(ten, p, 1)
	past := time.Now().Add(-time.Second)

	// Attempt 1 fails with 503; a duplicate result in the same batch is folded.
	r1 := postback.Result{Job: j, Attempt: attempt(503), Status: postback.StatusRetrying, NextAt: past, Reason: "HTTP 503"}
	if err := s.RecordResults(ctx, []postback.Result{r1, r1}); err != nil {
		t.Fatal(err)
	}
	st, err := s.DeliveryStates(ctx, []string{j.DeliveryID, "pbd_missing"})
	if err != nil || len(st) != 1 || st[j.DeliveryID] != (postback.DeliveryState{Status: postback.StatusRetrying, Attempts: 1}) {
		t.Fatalf("states = %v, %v", st, err)
	}
	if !st[j.DeliveryID].Stale(j) {
		t.Error("attempt 1 job not stale after attempt 1 was recorded")
	}
	// The scheduler claims it as attempt 2; a failing publish leaves it due.
	boom := errors.New("bus down")
	if _, err := s.ClaimDue(ctx, time.Now(), 10, func(context.Context, []event.OutgoingPostback) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("ClaimDue with failing publish: %v", err)
	}
	var claimed []event.OutgoingPostback
	n, err := s.ClaimDue(ctx, time.Now(), 10, func(_ context.Context, js []event.OutgoingPostback) error { claimed = js; return nil })
	if err != nil || n != 1 || claimed[0].Attempt != 2 || claimed[0].Values["payout"] != "1.00" {
		t.Fatalf("ClaimDue = %d %+v, %v", n, claimed, err)
	}
	if n, _ := s.ClaimDue(ctx, time.Now(), 10, func(context.Context, []event.OutgoingPostback) error { return nil }); n != 0 {
		t.Fatalf("claimed twice")
	}
	// Attempt 2 delivers; a late copy of attempt 1 cannot move it back.
	j2 := claimed[0]
	if err := s.RecordResults(ctx, []postback.Result{{Job: j2, Attempt: attempt(200), Status: postback.StatusDelivered}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordResults(ctx, []postback.Result{r1}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Delivery(ctx, ten, j.DeliveryID)
	if err != nil || d.Status != postback.StatusDelivered || d.Attempts != 2 || d.LastStatusCode != 200 || d.DeliveredAt == nil {
		t.Fatalf("delivery = %+v, %v", d, err)
	}
	as, err := s.Attempts(ctx, ten, j.DeliveryID)
	if err != nil || len(as) != 2 || as[0].StatusCode != 503 || as[1].StatusCode != 200 || as[0].Latency != 1500*time.Microsecond {
		t.Fatalf("attempts = %+v, %v", as, err)
	}
	if _, err := s.Delivery(ctx, coretest.Tenant(t, db), j.DeliveryID); core.KindOf(err) != core.KindNotFound {
		t.Errorf("another tenant read the delivery: %v", err)
	}
	// Replay: only finished deliveries; it becomes due now.
	j2.Attempt = 3
	if err := s.ScheduleReplay(ctx, ten, j.DeliveryID, j2, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.ScheduleReplay(ctx, ten, j.DeliveryID, j2, time.Now()); core.KindOf(err) != core.KindConflict {
		t.Errorf("replay of a pending delivery: %v; want conflict", err)
	}
	if n, _ := s.ClaimDue(ctx, time.Now(), 10, func(_ context.Context, js []event.OutgoingPostback) error { claimed = js; return nil }); n != 1 || claimed[0].Attempt != 3 {
		t.Errorf("replayed delivery not due: %d %+v", n, claimed)
	}
}

func TestPostbackStore_DeferralKeepsAttemptAndLogFilters(t *testing.T) {
	ctx := context.Background()
	db := coretest.DB(t)
	s := postgres.NewPostbackStore(db)
	ten := coretest.Tenant(t, db)
	p1, p2 := coretest.Partner(t, db, ten), coretest.Partner(t, db, ten)
	var results []postback.Result
	for i := range 5 {
		j := job(ten, p1, 1)
		j.FirstAt = j.FirstAt.Add(time.Duration(i) * time.Second)
		results = append(results, postback.Result{Job: j, Attempt: attempt(200), Status: postback.StatusDelivered})
	}
	deferred := job(ten, p2, 1)
	results = append(results, postback.DefaultPolicy().Defer(deferred, time.Minute, time.Now()))
	if err := s.RecordResults(ctx, results); err != nil {
		t.Fatal(err)
	}
	d, err := s.Delivery(ctx, ten, deferred.DeliveryID)
	if err != nil || d.Attempts != 0 || d.Status != postback.StatusRetrying || d.Job.Deferrals != 1 || d.NextAttemptAt == nil {
		t.Fatalf("deferred delivery = %+v, %v", d, err)
	}
	page, err := s.Deliveries(ctx, ten, postback.Filter{PartnerID: p1, Limit: 3})
	if err != nil || len(page) != 3 || page[0].CreatedAt.Before(page[1].CreatedAt) {
		t.Fatalf("page 1 = %d, %v", len(page), err)
	}
	last := page[2]
	rest, err := s.Deliveries(ctx, ten, postback.Filter{PartnerID: p1, Limit: 10, After: &postback.Cursor{CreatedAt: last.CreatedAt, ID: last.ID}})
	if err != nil || len(rest) != 2 {
		t.Fatalf("page 2 = %d, %v", len(rest), err)
	}
	if got, _ := s.Deliveries(ctx, ten, postback.Filter{Status: postback.StatusRetrying, Limit: 10}); len(got) != 1 || got[0].PartnerID != p2 {
		t.Errorf("status filter = %+v", got)
	}
}
