package postback

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Page sizes of the delivery log.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Deliveries lists the log, newest first, one page at a time; next is the
// cursor of the following page, nil on the last one.
func (s *Service) Deliveries(ctx context.Context, tenant core.TenantID, f Filter) (items []Delivery, next *Cursor, err error) {
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxLimit)
	want := f.Limit
	f.Limit++
	items, err = s.d.Store.Deliveries(ctx, tenant, f)
	if err != nil {
		return nil, nil, fmt.Errorf("list deliveries: %w", err)
	}
	if len(items) > want {
		items = items[:want]
		last := items[want-1]
		next = &Cursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	return items, next, nil
}

// Delivery returns one delivery with its attempts. A partner (partnerID not
// empty) sees only deliveries to itself; anything else is not found.
func (s *Service) Delivery(ctx context.Context, tenant core.TenantID, id, partnerID string) (Delivery, []Attempt, error) {
	d, err := s.d.Store.Delivery(ctx, tenant, id)
	if err != nil {
		return Delivery{}, nil, err
	}
	if partnerID != "" && (d.Kind != KindPartner || d.PartnerID != partnerID) {
		return Delivery{}, nil, core.Errorf(core.KindNotFound, "delivery not found")
	}
	attempts, err := s.d.Store.Attempts(ctx, tenant, id)
	if err != nil {
		return Delivery{}, nil, fmt.Errorf("delivery attempts: %w", err)
	}
	return d, attempts, nil
}

// Replay sends a failed (or delivered) delivery again, with the same
// idempotency id, as its next attempt: with the endpoint's current settings
// when it still exists (so a fixed URL is used), else the ones it had. The
// give-up clock restarts. Pending deliveries are a conflict.
func (s *Service) Replay(ctx context.Context, tenant core.TenantID, id string) (Delivery, error) {
	d, err := s.d.Store.Delivery(ctx, tenant, id)
	if err != nil {
		return Delivery{}, err
	}
	if d.Status != StatusFailed && d.Status != StatusDelivered {
		return Delivery{}, core.Errorf(core.KindConflict, "delivery is %s; only failed or delivered deliveries can be replayed", d.Status)
	}
	job := d.Job
	if e, err := s.d.Store.Endpoint(ctx, tenant, Owner{Kind: d.Kind, PartnerID: d.PartnerID}, d.EndpointID); err == nil {
		job.URL, job.Method, job.Format, job.Sign = e.URL, e.Method, e.Format, e.Sign
	}
	now := s.d.Clock.Now()
	job.Attempt, job.Deferrals, job.FirstAt = d.Attempts+1, 0, now
	if err := s.d.Store.ScheduleReplay(ctx, tenant, id, job, now); err != nil {
		return Delivery{}, fmt.Errorf("replay delivery: %w", err)
	}
	return s.d.Store.Delivery(ctx, tenant, id)
}

// SendTest sends one test postback to an owner's endpoint right away (no
// retries) with sample values and test=1, logs it like any delivery, and
// returns it. endpointID "" means a partner's global postback. eventName
// picks the status or custom event the sample pretends to be.
func (s *Service) SendTest(ctx context.Context, tenant core.TenantID, o Owner, endpointID, eventName string) (Delivery, []Attempt, error) {
	if err := s.checkOwner(ctx, tenant, o); err != nil {
		return Delivery{}, nil, err
	}
	e, err := s.testEndpoint(ctx, tenant, o, endpointID)
	if err != nil {
		return Delivery{}, nil, err
	}
	if eventName != "" && !validEventName(eventName) {
		return Delivery{}, nil, core.Invalid("event", "is not an event name (1-64 of a-z, 0-9, _ . -)")
	}
	now := s.d.Clock.Now()
	c := sampleConversion(e, eventName, now)
	job := newJob(e, c, "", now)
	job.DeliveryID, job.Test = core.NewIDAt("pbd", now), true
	job.Values = testValues(e, c, job.DeliveryID)
	r := s.d.Policy.Decide(job, s.d.Sender.Send(ctx, job), s.d.Clock.Now())
	if err := s.d.Store.RecordResults(ctx, []Result{r}); err != nil {
		return Delivery{}, nil, fmt.Errorf("record test postback: %w", err)
	}
	return s.Delivery(ctx, tenant, job.DeliveryID, "")
}

func (s *Service) testEndpoint(ctx context.Context, tenant core.TenantID, o Owner, id string) (Endpoint, error) {
	if id != "" {
		return s.d.Store.Endpoint(ctx, tenant, o, id)
	}
	if o.Kind != KindPartner {
		return Endpoint{}, core.Invalid("endpoint_id", "is required")
	}
	e, err := s.d.Store.GlobalEndpoint(ctx, tenant, o.PartnerID)
	if core.KindOf(err) == core.KindNotFound {
		return Endpoint{}, core.Errorf(core.KindNotFound, "no global postback is set; save one first")
	}
	return e, err
}

// sampleConversion is the pretend conversion of a test postback.
func sampleConversion(e Endpoint, eventName string, now time.Time) event.Conversion {
	c := event.Conversion{TenantID: e.TenantID, ConversionID: "test_conversion", ClickID: "test_click",
		CampaignID: "test_campaign", OfferID: e.OfferID, PartnerID: e.PartnerID, Event: "conversion",
		Status: event.StatusApproved, TxID: "test_tx", Country: "US", Device: "desktop", Test: true,
		Currency: "USD", Revenue: core.DecimalFromInt(10), OccurredAt: now}
	switch eventName {
	case "", EventCreated:
		c.Status = event.StatusPending
	case EventApproved, EventRejected, EventHold, EventPending:
		c.Status, c.PrevStatus = eventName, event.StatusPending
	default:
		c.Event = eventName
	}
	if c.OfferID == "" {
		c.OfferID = "test_offer"
	}
	return c
}

// testValues are a test postback's macro values: a partner sees a sample
// commission, a webhook a sample revenue.
func testValues(e Endpoint, c event.Conversion, deliveryID string) map[string]string {
	if e.Kind == KindWebhook {
		return webhookValues(c, deliveryID)
	}
	return partnerValues(event.Commission{Conversion: c, Commission: core.DecimalFromInt(1), Currency: "USD"}, deliveryID)
}

// String encodes the cursor for the API (opaque to clients).
func (c Cursor) String() string {
	return strconv.FormatInt(c.CreatedAt.UnixMicro(), 36) + "." + c.ID
}

// ParseCursor decodes a cursor made by Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	ts, id, ok := strings.Cut(s, ".")
	us, err := strconv.ParseInt(ts, 36, 64)
	if !ok || err != nil || !validID(id) {
		return Cursor{}, core.Invalid("cursor", "is not a cursor from a previous page")
	}
	return Cursor{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}
