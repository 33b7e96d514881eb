package conversion

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// Incoming is one postback request as the HTTP edge received it.
type Incoming struct {
	Values url.Values // query and form parameters
	Method string
	IP     netip.Addr
}

// Outcome is the answer to a successful postback.
type Outcome struct {
	Result       string `json:"result"`
	ConversionID string `json:"conversion_id"`
}

// Service receives postbacks.
type Service struct {
	store   Store
	tenants Tenants
	clicks  ClickFinder
	pub     Publisher
	clock   core.Clock
	log     *slog.Logger
	cache   tokenCache
	batch   *batcher
	// acked collects transitions the bus acknowledged; the relay marks them
	// published in batches (one UPDATE instead of one per postback).
	ackedMu sync.Mutex
	acked   []TransitionRef
}

// NewService returns a postback service.
func NewService(store Store, tenants Tenants, clicks ClickFinder, pub Publisher, clock core.Clock, log *slog.Logger) *Service {
	s := &Service{store: store, tenants: tenants, clicks: clicks, pub: pub, clock: clock, log: log,
		cache: tokenCache{m: map[string]cachedAccess{}}}
	s.batch = &batcher{run: s.createBatch}
	return s
}

// Receive handles one postback: authenticate, validate, attribute, apply,
// log, publish. Every postback that names a valid token is logged.
func (s *Service) Receive(ctx context.Context, in Incoming) (Outcome, error) {
	acc, err := s.access(ctx, in.Values.Get("token"))
	if err != nil {
		return Outcome{}, err
	}
	entry := LogEntry{ID: core.NewID("pbi"), TenantID: acc.TenantID, ReceivedAt: s.clock.Now(), Method: in.Method,
		Query: redact(in.Values), ClickID: in.Values.Get("click_id")}
	if in.IP.IsValid() {
		entry.IP = in.IP.Unmap().String()
	}
	if len(acc.AllowIPs) > 0 && !slices.ContainsFunc(acc.AllowIPs, func(p netip.Prefix) bool { return p.Contains(in.IP.Unmap()) }) {
		return Outcome{}, s.fail(ctx, entry, ResultForbiddenIP, core.Errorf(core.KindForbidden, "postbacks from %s are not allowed", entry.IP))
	}
	pb, err := ParsePostback(in.Values)
	if err != nil {
		return Outcome{}, s.fail(ctx, entry, ResultInvalid, err)
	}
	if b, ok := s.tryBatch(ctx, acc.TenantID, pb, entry); ok {
		return s.done(ctx, b), nil
	}
	c, err := s.clicks.Click(ctx, acc.TenantID, pb.ClickID)
	if err != nil {
		if core.KindOf(err) == core.KindNotFound {
			err = core.Errorf(core.KindNotFound, "click not found")
			return Outcome{}, s.fail(ctx, entry, ResultUnknownClick, err)
		}
		return Outcome{}, s.fail(ctx, entry, ResultError, fmt.Errorf("find click: %w", err))
	}
	applied, err := s.store.Apply(ctx, s.conversion(acc.TenantID, pb, c), entry)
	if err != nil {
		return Outcome{}, s.fail(ctx, entry, ResultError, fmt.Errorf("apply postback: %w", err))
	}
	return s.done(ctx, applied), nil
}

// tryBatch creates the conversion of a postback whose click is stored
// together with other postbacks arriving meanwhile (see batch.go); ok is
// false when the postback must take the single path.
func (s *Service) tryBatch(ctx context.Context, tenant core.TenantID, pb Postback, entry LogEntry) (Applied, bool) {
	at, ok := core.IDTime(pb.ClickID)
	if !ok {
		return Applied{}, false
	}
	p := &pending{tenant: tenant, pb: pb, ref: ClickRef{TenantID: tenant, ID: pb.ClickID, At: at}, entry: entry,
		done: make(chan batched, 1)}
	b := s.batch.do(ctx, p)
	return b.applied, b.ok
}

// done publishes what a postback applied and returns its outcome.
func (s *Service) done(ctx context.Context, applied Applied) Outcome {
	if applied.Event != nil {
		s.publish(ctx, *applied.Event)
	}
	return Outcome{Result: applied.Result, ConversionID: applied.Conversion.ID}
}

// conversion builds the conversion a postback describes.
func (s *Service) conversion(tenant core.TenantID, pb Postback, c event.Click) Conversion {
	now := s.clock.Now()
	return Conversion{
		ID: core.NewID("cnv"), TenantID: tenant, DedupeKey: pb.DedupeKey(), ClickID: c.ID, ClickedAt: c.At,
		CampaignID: c.CampaignID, OfferID: c.OfferID, PartnerID: c.PartnerID, SourceID: c.SourceID,
		Country: c.Country, Device: c.Device, Subs: c.Subs, Event: pb.Event, TxID: pb.TxID, Status: pb.Status,
		Revenue: pb.Revenue, Currency: pb.Currency, Test: pb.Test, Fraud: c.Fraud, Seq: 1, CreatedAt: now, UpdatedAt: now,
	}
}

// fail logs a postback that created nothing and returns err.
func (s *Service) fail(ctx context.Context, e LogEntry, result string, err error) error {
	e.Result, e.Message = result, core.MessageOf(err)
	e.StatusCode = map[core.Kind]int{core.KindInvalid: 400, core.KindNotFound: 404, core.KindForbidden: 403, core.KindUnavailable: 503}[core.KindOf(err)]
	if e.StatusCode == 0 {
		e.StatusCode = 500
	}
	if lerr := s.store.LogPostback(context.WithoutCancel(ctx), e); lerr != nil {
		s.log.Error("log postback", "err", lerr, "tenant_id", e.TenantID)
	}
	return err
}

// publish sends a transition; the relay records the acknowledgement. A
// failure is left to the relay, which retries every transition not marked
// published (the bus drops the repeat of one that did get through).
func (s *Service) publish(ctx context.Context, ev event.Conversion) {
	ctx = context.WithoutCancel(ctx)
	payload, err := json.Marshal(ev)
	if err == nil {
		err = s.pub.Publish(ctx, event.Subject(ev.TenantID, event.ConversionChanged), payload, ev.MsgID())
	}
	if err != nil {
		s.log.Warn("publish conversion; the relay will retry", "err", err, "conversion_id", ev.ConversionID)
		return
	}
	s.ackedMu.Lock()
	s.acked = append(s.acked, TransitionRef{ConversionID: ev.ConversionID, Seq: ev.Seq})
	s.ackedMu.Unlock()
}

// flushAcked marks the acknowledged transitions published.
func (s *Service) flushAcked(ctx context.Context) {
	s.ackedMu.Lock()
	refs := s.acked
	s.acked = nil
	s.ackedMu.Unlock()
	if len(refs) == 0 {
		return
	}
	if err := s.store.MarkPublished(ctx, refs); err != nil {
		s.log.Warn("mark conversions published; the relay will republish them", "err", err, "count", len(refs))
	}
}

// RunRelay marks acknowledged transitions published every 100ms and, every
// interval, republishes transitions the bus never acknowledged (e.g. the
// process died between commit and publish). On shutdown it marks what is
// pending and returns.
func (s *Service) RunRelay(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(min(100*time.Millisecond, interval))
	defer t.Stop()
	last := s.clock.Now()
	for {
		select {
		case <-ctx.Done():
			s.flushAcked(context.WithoutCancel(ctx))
			return
		case <-t.C:
		}
		s.flushAcked(ctx)
		if now := s.clock.Now(); now.Sub(last) >= interval {
			last = now
			s.republish(ctx, now.Add(-interval))
		}
	}
}

func (s *Service) republish(ctx context.Context, before time.Time) {
	evs, err := s.store.Unpublished(ctx, before, 1000)
	if err != nil {
		s.log.Warn("conversion relay", "err", err)
		return
	}
	for _, ev := range evs {
		s.publish(ctx, ev)
	}
}

// Conversions lists a tenant's conversions, newest first.
func (s *Service) Conversions(ctx context.Context, tenant core.TenantID, q ListQuery) ([]Conversion, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	return s.store.Conversions(ctx, tenant, q)
}

// Postbacks lists a tenant's incoming postbacks, newest first.
func (s *Service) Postbacks(ctx context.Context, tenant core.TenantID, limit int, before string) ([]LogEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.Postbacks(ctx, tenant, limit, before)
}

// access resolves a postback token, caching answers for a few seconds (a
// rotated token stops working within that time).
func (s *Service) access(ctx context.Context, token string) (TenantAccess, error) {
	if token == "" || len(token) > 128 {
		return TenantAccess{}, core.Errorf(core.KindUnauthorized, "missing or invalid postback token")
	}
	now := s.clock.Now()
	if a, ok := s.cache.get(token, now); ok {
		return a, nil
	}
	a, err := s.tenants.PostbackTenant(ctx, token)
	if err != nil {
		return TenantAccess{}, err
	}
	s.cache.put(token, a, now.Add(5*time.Second))
	return a, nil
}

type cachedAccess struct {
	a       TenantAccess
	expires time.Time
}

// tokenCache is a small map of recent token answers, emptied when it grows large.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedAccess
}

func (c *tokenCache) get(token string, now time.Time) (TenantAccess, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[token]
	return e.a, ok && now.Before(e.expires)
}

func (c *tokenCache) put(token string, a TenantAccess, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[token] = cachedAccess{a: a, expires: expires}
}
