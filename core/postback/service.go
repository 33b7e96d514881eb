package postback

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/event"
)

// TemplateChecker validates a URL template with its method and format; the
// postback-format plugin owns that syntax. Errors are core.Invalid naming
// the field.
type TemplateChecker interface {
	CheckTemplate(url, method, format string, macros []string) error
}

// HostChecker returns an error when outbound requests may not reach host
// (private, loopback or metadata addresses, unless the operator allows them).
type HostChecker func(ctx context.Context, host string) error

// Sender makes one attempt of a job: format, sign, send, classify.
type Sender interface {
	Send(ctx context.Context, job event.OutgoingPostback) Sent
}

// Deps are the Service's collaborators.
type Deps struct {
	Store     Store
	Secrets   *Secrets
	Templates TemplateChecker
	Hosts     HostChecker
	Sender    Sender // test postbacks
	Policy    Policy
	Clock     core.Clock
	Log       *slog.Logger
}

// Service manages postback settings, webhooks, secrets and the delivery log.
type Service struct {
	d Deps
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = core.SystemClock{}
	}
	if d.Policy.Schedule == nil {
		d.Policy = DefaultPolicy()
	}
	return &Service{d: d}
}

// Saved is an endpoint after a write, with the owner's signing secret when
// this write generated it (shown once).
type Saved struct {
	Endpoint  Endpoint
	Secret    string
	HasSecret bool
}

// Endpoints lists an owner's endpoints. For a partner owner the partner
// must belong to tenant.
func (s *Service) Endpoints(ctx context.Context, tenant core.TenantID, o Owner) ([]Endpoint, error) {
	if err := s.checkOwner(ctx, tenant, o); err != nil {
		return nil, err
	}
	return s.d.Store.Endpoints(ctx, tenant, o)
}

// Endpoint returns one of an owner's endpoints.
func (s *Service) Endpoint(ctx context.Context, tenant core.TenantID, o Owner, id string) (Endpoint, error) {
	return s.d.Store.Endpoint(ctx, tenant, o, id)
}

// Global returns a partner's global postback.
func (s *Service) Global(ctx context.Context, tenant core.TenantID, partnerID string) (Endpoint, error) {
	return s.d.Store.GlobalEndpoint(ctx, tenant, partnerID)
}

// PutGlobal creates or replaces a partner's global postback.
func (s *Service) PutGlobal(ctx context.Context, tenant core.TenantID, partnerID string, in Input) (Saved, error) {
	o := PartnerOwner(partnerID)
	in = normalizeInput(in)
	if err := s.validate(ctx, o, in, true); err != nil {
		return Saved{}, err
	}
	cur, err := s.d.Store.GlobalEndpoint(ctx, tenant, partnerID)
	switch {
	case core.KindOf(err) == core.KindNotFound:
		return s.create(ctx, tenant, o, in)
	case err != nil:
		return Saved{}, fmt.Errorf("global postback: %w", err)
	}
	return s.update(ctx, cur, in)
}

// DeleteGlobal removes a partner's global postback.
func (s *Service) DeleteGlobal(ctx context.Context, tenant core.TenantID, partnerID string) error {
	cur, err := s.d.Store.GlobalEndpoint(ctx, tenant, partnerID)
	if err != nil {
		return err
	}
	return s.d.Store.DeleteEndpoint(ctx, tenant, cur.Owner(), cur.ID)
}

// Create adds a partner's per-offer override or a tenant webhook.
func (s *Service) Create(ctx context.Context, tenant core.TenantID, o Owner, in Input) (Saved, error) {
	in = normalizeInput(in)
	if err := s.validate(ctx, o, in, false); err != nil {
		return Saved{}, err
	}
	return s.create(ctx, tenant, o, in)
}

// Update replaces an override's or webhook's settings.
func (s *Service) Update(ctx context.Context, tenant core.TenantID, o Owner, id string, in Input) (Saved, error) {
	cur, err := s.d.Store.Endpoint(ctx, tenant, o, id)
	if err != nil {
		return Saved{}, err
	}
	in = normalizeInput(in)
	if err := s.validate(ctx, o, in, cur.Kind == KindPartner && cur.OfferID == ""); err != nil {
		return Saved{}, err
	}
	return s.update(ctx, cur, in)
}

// Delete removes an override or a webhook.
func (s *Service) Delete(ctx context.Context, tenant core.TenantID, o Owner, id string) error {
	return s.d.Store.DeleteEndpoint(ctx, tenant, o, id)
}

// RotateSecret generates the owner's new signing secret and returns it once.
func (s *Service) RotateSecret(ctx context.Context, tenant core.TenantID, o Owner) (string, error) {
	if err := s.checkOwner(ctx, tenant, o); err != nil {
		return "", err
	}
	return s.d.Secrets.Rotate(ctx, tenant, o)
}

// HasSecret reports whether the owner has a signing secret.
func (s *Service) HasSecret(ctx context.Context, tenant core.TenantID, o Owner) (bool, error) {
	return s.d.Secrets.Has(ctx, tenant, o)
}

func (s *Service) create(ctx context.Context, tenant core.TenantID, o Owner, in Input) (Saved, error) {
	now := s.d.Clock.Now()
	e := Endpoint{ID: core.NewID(endpointPrefix(o.Kind)), TenantID: tenant, Kind: o.Kind, PartnerID: o.PartnerID,
		Enabled: true, CreatedAt: now}
	apply(&e, in, now)
	if err := s.d.Store.CreateEndpoint(ctx, e); err != nil {
		return Saved{}, fmt.Errorf("create postback: %w", err)
	}
	return s.saved(ctx, e)
}

func (s *Service) update(ctx context.Context, e Endpoint, in Input) (Saved, error) {
	apply(&e, in, s.d.Clock.Now())
	if err := s.d.Store.UpdateEndpoint(ctx, e); err != nil {
		return Saved{}, fmt.Errorf("update postback: %w", err)
	}
	return s.saved(ctx, e)
}

// saved generates the owner's secret when the endpoint signs and none exists.
func (s *Service) saved(ctx context.Context, e Endpoint) (Saved, error) {
	out := Saved{Endpoint: e}
	var err error
	if e.Sign {
		if out.Secret, err = s.d.Secrets.ensure(ctx, e.TenantID, e.Owner()); err != nil {
			return Saved{}, err
		}
		out.HasSecret = true
		return out, nil
	}
	out.HasSecret, err = s.d.Secrets.Has(ctx, e.TenantID, e.Owner())
	return out, err
}

func apply(e *Endpoint, in Input, now time.Time) {
	e.URL, e.Method, e.Format, e.Events, e.Sign = in.URL, in.Method, in.Format, in.Events, in.Sign
	// validate made OfferID "" for globals and webhooks, and set for overrides.
	e.Description, e.OfferID = in.Description, in.OfferID
	if in.Enabled != nil {
		e.Enabled = *in.Enabled
	}
	e.UpdatedAt = now
}

func endpointPrefix(k Kind) string {
	if k == KindWebhook {
		return "whk"
	}
	return "pbk"
}

// checkOwner makes another tenant's partner not found.
func (s *Service) checkOwner(ctx context.Context, tenant core.TenantID, o Owner) error {
	if o.Kind != KindPartner {
		return nil
	}
	return s.d.Store.PartnerExists(ctx, tenant, o.PartnerID)
}

// validate checks an input on save: fields, the template (through the
// format plugin) and the target host (no private addresses).
func (s *Service) validate(ctx context.Context, o Owner, in Input, global bool) error {
	var v core.Validator
	for _, e := range in.Events {
		v.Check(validEventName(e), "events", fmt.Sprintf("%q is not an event name (1-64 of a-z, 0-9, _ . -)", e))
	}
	v.Check(len(in.Events) <= 32, "events", "at most 32 events")
	v.Check(len(in.Description) <= 200, "description", "at most 200 characters")
	switch {
	case o.Kind == KindWebhook:
		v.Check(in.OfferID == "", "offer_id", "webhooks are not per offer")
	case global:
		v.Check(in.OfferID == "", "offer_id", "the global postback has no offer; per-offer overrides are separate")
	default:
		v.Check(validID(in.OfferID), "offer_id", "is required")
	}
	if err := s.d.Templates.CheckTemplate(in.URL, in.Method, in.Format, MacrosFor(o.Kind)); err != nil {
		fields := core.FieldsOf(err)
		if len(fields) == 0 {
			return err
		}
		for _, f := range fields {
			v.Add(f.Field, f.Message)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.checkHost(ctx, in.URL)
}

func (s *Service) checkHost(ctx context.Context, template string) error {
	u, err := url.Parse(template)
	if err != nil || u.Hostname() == "" {
		return core.Invalid("url", "must be an absolute http(s) URL with a host")
	}
	if err := s.d.Hosts(ctx, u.Hostname()); err != nil {
		return core.Invalid("url", err.Error())
	}
	return nil
}
