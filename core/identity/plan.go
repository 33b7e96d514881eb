package identity

import (
	"fmt"
	"slices"
	"time"

	"github.com/affcore/affcore/core"
)

// Plan is a tenant's subscription plan.
type Plan string

// Plans.
const (
	PlanStarter      Plan = "starter"
	PlanProfessional Plan = "professional"
	PlanEnterprise   Plan = "enterprise"
)

// Feature is something a plan may include.
type Feature string

// Features gated by plan.
const (
	FeatureAPIKeys       Feature = "api_keys"       // API keys for integrations
	FeatureCustomPlugins Feature = "custom_plugins" // uploading the tenant's own (agency) plugins
	FeatureCustomDomain  Feature = "custom_domain"  // partner portal on the tenant's domain
	FeatureDedicatedHost Feature = "dedicated_host" // a plugin host serving only this tenant
)

// planFeatures is the one entitlement table (README renders it).
var planFeatures = map[Plan][]Feature{
	PlanStarter:      {},
	PlanProfessional: {FeatureAPIKeys, FeatureCustomPlugins, FeatureCustomDomain},
	PlanEnterprise:   {FeatureAPIKeys, FeatureCustomPlugins, FeatureCustomDomain, FeatureDedicatedHost},
}

// planMembers caps team size per plan (0 = unlimited).
var planMembers = map[Plan]int{PlanStarter: 3, PlanProfessional: 15, PlanEnterprise: 0}

// ParsePlan validates a plan name; empty means the default trial plan.
func ParsePlan(s string) (Plan, error) {
	if s == "" {
		return PlanProfessional, nil
	}
	p := Plan(s)
	if _, ok := planFeatures[p]; !ok {
		return "", core.Invalid("plan", "must be starter, professional or enterprise")
	}
	return p, nil
}

// Features lists what plan p includes.
func (p Plan) Features() []Feature { return slices.Clone(planFeatures[p]) }

// Entitled returns nil when tenant t may use feature f at time now: its plan
// includes f and the tenant is active or within its trial. It is the one
// entitlement check every area calls.
func (t Tenant) Entitled(f Feature, now time.Time) error {
	if err := t.usable(now); err != nil {
		return err
	}
	if !slices.Contains(planFeatures[t.Plan], f) {
		return core.Errorf(core.KindPayment, "the %s plan does not include %s; upgrade to use it", t.Plan, featureName(f))
	}
	return nil
}

// usable reports whether the tenant may use the product at all.
func (t Tenant) usable(now time.Time) error {
	switch {
	case t.Status == "suspended":
		return core.Errorf(core.KindForbidden, "this account is suspended")
	case t.Status == "trial" && !t.TrialEndsAt.IsZero() && now.After(t.TrialEndsAt):
		return core.Errorf(core.KindPayment, "the trial ended on %s; choose a plan to continue", t.TrialEndsAt.Format("2006-01-02"))
	}
	return nil
}

func featureName(f Feature) string {
	switch f {
	case FeatureAPIKeys:
		return "API access"
	case FeatureCustomPlugins:
		return "custom plugins"
	case FeatureCustomDomain:
		return "custom domains"
	case FeatureDedicatedHost:
		return "dedicated plugin hosts"
	}
	return fmt.Sprint(f)
}
