package payout

import (
	"context"
	"fmt"
	"time"

	"github.com/affcore/affcore/core"
)

// Schedules of automatic payout requests.
const (
	ScheduleManual  = "manual"  // partners (or finance) request payouts
	ScheduleWeekly  = "weekly"  // a request per partner and currency every ISO week
	ScheduleMonthly = "monthly" // a request per partner and currency every calendar month
)

// Settings are a tenant's payout settings.
type Settings struct {
	// HoldDays is how long approved commission stays on hold before it
	// becomes available (chargeback and fraud window).
	HoldDays int `json:"hold_days"`
	// MinPayout is the smallest payout, in MinPayoutCurrency (converted to
	// the method's currency at the day's rate).
	MinPayout         core.Decimal  `json:"min_payout"`
	MinPayoutCurrency core.Currency `json:"min_payout_currency"`
	Schedule          string        `json:"schedule"`
	// Rail is the payout rail new payouts are sent through.
	Rail      string    `json:"rail"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultSettings are the settings of a tenant that never saved any.
func DefaultSettings() Settings {
	return Settings{HoldDays: 7, MinPayoutCurrency: "USD", Schedule: ScheduleManual, Rail: ManualRailName}
}

// PartnerSettings override a tenant's settings for one partner, and hold
// the partner's negative-carryover policy.
type PartnerSettings struct {
	PartnerID string        `json:"partner_id"`
	HoldDays  *int          `json:"hold_days"`
	MinPayout *core.Decimal `json:"min_payout"`
	// NegativeCarryover carries a negative balance into the next commission
	// period; false resets it to zero at period close.
	NegativeCarryover bool      `json:"negative_carryover"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Settings returns the tenant's payout settings.
func (s *Service) Settings(ctx context.Context, tenant core.TenantID) (Settings, error) {
	return s.store.Settings(ctx, tenant)
}

// SetSettings validates and saves the tenant's payout settings.
func (s *Service) SetSettings(ctx context.Context, tenant core.TenantID, in Settings, by Actor) (Settings, error) {
	var v core.Validator
	v.Check(in.HoldDays >= 0 && in.HoldDays <= 365, "hold_days", "must be 0 to 365")
	v.Check(in.MinPayout.Sign() >= 0, "min_payout", "must not be negative")
	cur, err := core.ParseCurrency(string(in.MinPayoutCurrency))
	v.Check(err == nil, "min_payout_currency", "must be a currency code")
	v.Check(in.Schedule == ScheduleManual || in.Schedule == ScheduleWeekly || in.Schedule == ScheduleMonthly,
		"schedule", "must be manual, weekly or monthly")
	_, ok := s.rails[in.Rail]
	v.Check(ok, "rail", "no such payout rail")
	if err := v.Err(); err != nil {
		return Settings{}, err
	}
	in.MinPayoutCurrency, in.UpdatedAt = cur, s.clock.Now()
	if err := s.store.SaveSettings(ctx, tenant, in, by); err != nil {
		return Settings{}, fmt.Errorf("save payout settings: %w", err)
	}
	return in, nil
}

// PartnerSettings returns a partner's overrides.
func (s *Service) PartnerSettings(ctx context.Context, tenant core.TenantID, partnerID string) (PartnerSettings, error) {
	if ok, err := s.store.PartnerExists(ctx, tenant, partnerID); err != nil || !ok {
		return PartnerSettings{}, notFound(err, "partner not found")
	}
	return s.store.PartnerSettings(ctx, tenant, partnerID)
}

// SetPartnerSettings validates and saves a partner's overrides.
func (s *Service) SetPartnerSettings(ctx context.Context, tenant core.TenantID, in PartnerSettings, by Actor) (PartnerSettings, error) {
	var v core.Validator
	v.Check(in.HoldDays == nil || (*in.HoldDays >= 0 && *in.HoldDays <= 365), "hold_days", "must be 0 to 365")
	v.Check(in.MinPayout == nil || in.MinPayout.Sign() >= 0, "min_payout", "must not be negative")
	if err := v.Err(); err != nil {
		return PartnerSettings{}, err
	}
	in.UpdatedAt = s.clock.Now()
	if err := s.store.SavePartnerSettings(ctx, tenant, in, by); err != nil {
		return PartnerSettings{}, fmt.Errorf("save partner payout settings: %w", err)
	}
	return in, nil
}

// HoldPeriod returns how long a partner's approved commission is held.
func (s *Service) HoldPeriod(ctx context.Context, tenant core.TenantID, partnerID string) (time.Duration, error) {
	days, _, err := s.effective(ctx, tenant, partnerID)
	return time.Duration(days) * 24 * time.Hour, err
}

// NegativeCarryover returns the partner's negative-carryover policy.
func (s *Service) NegativeCarryover(ctx context.Context, tenant core.TenantID, partnerID string) (bool, error) {
	ps, err := s.store.PartnerSettings(ctx, tenant, partnerID)
	return ps.NegativeCarryover, err
}

// effective returns a partner's hold days and minimum payout after overrides.
func (s *Service) effective(ctx context.Context, tenant core.TenantID, partnerID string) (int, core.Money, error) {
	ts, err := s.store.Settings(ctx, tenant)
	if err != nil {
		return 0, core.Money{}, err
	}
	ps, err := s.store.PartnerSettings(ctx, tenant, partnerID)
	if err != nil {
		return 0, core.Money{}, err
	}
	days, minimum := ts.HoldDays, core.Money{Amount: ts.MinPayout, Currency: ts.MinPayoutCurrency}
	if ps.HoldDays != nil {
		days = *ps.HoldDays
	}
	if ps.MinPayout != nil {
		minimum.Amount = *ps.MinPayout
	}
	return days, minimum, nil
}
