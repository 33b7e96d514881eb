// Package access defines who may do what in a tenant: roles of team members,
// scopes of API keys and API routes, and the Principal that authentication
// produces. The role→scope table here is the single permission table; the
// README renders it for users, and every route names the scope it needs.
package access

import (
	"slices"

	"github.com/affcore/affcore/core"
)

// Kind says what sort of caller a Principal is.
type Kind string

// Principal kinds.
const (
	KindUser    Kind = "user"    // a member of the advertiser's team (session or API key)
	KindPartner Kind = "partner" // an affiliate of one tenant
)

// Role is a team member's role in a tenant.
type Role string

// Roles, from most to least powerful.
const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleAnalyst Role = "analyst"
	RoleFinance Role = "finance"
)

// Roles lists every role.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleAnalyst, RoleFinance}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Scope is one permission. API keys carry a subset of scopes; every
// authenticated advertiser route requires exactly one.
type Scope string

// Scopes that API keys may carry (the names are part of the public API).
const (
	CampaignsRead    Scope = "campaigns:read"
	CampaignsWrite   Scope = "campaigns:write"
	OffersRead       Scope = "offers:read"
	OffersWrite      Scope = "offers:write"
	PartnersRead     Scope = "partners:read"
	PartnersWrite    Scope = "partners:write"
	ConversionsWrite Scope = "conversions:write"
	ReportsRead      Scope = "reports:read"
	PayoutsRead      Scope = "payouts:read"
	PayoutsWrite     Scope = "payouts:write"
	PluginsRead      Scope = "plugins:read"
	PluginsWrite     Scope = "plugins:write"
)

// Scopes only sessions have: account administration is never delegated to an
// API key.
const (
	TeamRead       Scope = "team:read"
	TeamWrite      Scope = "team:write"
	APIKeysManage  Scope = "apikeys:manage"
	AuditRead      Scope = "audit:read"
	SettingsWrite  Scope = "settings:write"
	PayoutsApprove Scope = "payouts:approve"
)

// APIKeyScopes lists the scopes an API key may be given.
var APIKeyScopes = []Scope{
	CampaignsRead, CampaignsWrite, OffersRead, OffersWrite, PartnersRead, PartnersWrite,
	ConversionsWrite, ReportsRead, PayoutsRead, PayoutsWrite, PluginsRead, PluginsWrite,
}

// roleScopes is the permission table.
var roleScopes = map[Role][]Scope{
	RoleOwner: {CampaignsRead, CampaignsWrite, OffersRead, OffersWrite, PartnersRead, PartnersWrite,
		ConversionsWrite, ReportsRead, PayoutsRead, PayoutsWrite, PayoutsApprove, PluginsRead, PluginsWrite,
		TeamRead, TeamWrite, APIKeysManage, AuditRead, SettingsWrite},
	RoleAdmin: {CampaignsRead, CampaignsWrite, OffersRead, OffersWrite, PartnersRead, PartnersWrite,
		ConversionsWrite, ReportsRead, PayoutsRead, PayoutsWrite, PayoutsApprove, PluginsRead, PluginsWrite,
		TeamRead, TeamWrite, APIKeysManage, AuditRead, SettingsWrite},
	RoleManager: {CampaignsRead, CampaignsWrite, OffersRead, OffersWrite, PartnersRead, PartnersWrite,
		ConversionsWrite, ReportsRead, PayoutsRead, PluginsRead, TeamRead, APIKeysManage},
	RoleAnalyst: {CampaignsRead, OffersRead, PartnersRead, ReportsRead, PayoutsRead, PluginsRead, TeamRead},
	RoleFinance: {CampaignsRead, OffersRead, PartnersRead, ReportsRead, PayoutsRead, PayoutsWrite, PayoutsApprove,
		TeamRead, APIKeysManage},
}

// RoleScopes returns the scopes a role grants.
func RoleScopes(r Role) []Scope { return slices.Clone(roleScopes[r]) }

// RoleHas reports whether role r grants scope s.
func RoleHas(r Role, s Scope) bool { return slices.Contains(roleScopes[r], s) }

// Principal is an authenticated caller.
type Principal struct {
	Kind      Kind
	TenantID  core.TenantID
	UserID    string  // team member id (KindUser), also the creator of an API key
	PartnerID string  // partner id (KindPartner)
	Role      Role    // the team member's role (KindUser)
	APIKeyID  string  // set when authenticated by an API key
	Scopes    []Scope // an API key's scopes; nil for sessions
	SessionID string  // set when authenticated by a session
	Test      bool    // an ak_test_ key: its writes are test data
	// MFASetupRequired is set when the tenant requires 2FA and this member has
	// not set it up yet: only the 2FA set-up routes are open to it.
	MFASetupRequired bool
}

// IsPartner reports whether p is a partner.
func (p Principal) IsPartner() bool { return p.Kind == KindPartner }

// Can reports whether p holds scope s: a team member through its role, an API
// key through its own scopes intersected with its creator's role (a key never
// exceeds its creator). Partners hold no advertiser scopes.
func (p Principal) Can(s Scope) bool {
	if p.Kind != KindUser || !RoleHas(p.Role, s) {
		return false
	}
	if p.APIKeyID != "" {
		return slices.Contains(p.Scopes, s)
	}
	return true
}

// ActorID returns the id to record as the actor in the audit log.
func (p Principal) ActorID() string {
	switch {
	case p.APIKeyID != "":
		return p.APIKeyID
	case p.Kind == KindPartner:
		return p.PartnerID
	}
	return p.UserID
}
