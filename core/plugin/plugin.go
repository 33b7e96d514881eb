package plugin

import (
	"context"
	"time"

	"github.com/affcore/affcore/core"
)

// Version is one registered plugin version. Owner is empty for platform
// (first-party and operator-installed) plugins, visible to every tenant, and
// the tenant's id for a tenant-private upload, visible to that tenant only.
type Version struct {
	ID        string
	Owner     core.TenantID
	Manifest  Manifest
	SHA256    string
	Size      int
	Signed    bool
	SignerKey string
	CreatedAt time.Time
}

// Installation is a tenant's installed plugin. Secrets are sealed; Service
// never returns their values to callers other than plugin hosts.
type Installation struct {
	ID                string
	Tenant            core.TenantID
	PluginID          string
	VersionID         string
	PreviousVersionID string // for roll back; empty when there is none
	PreviousVersion   string // that version's version string (filled by the store on reads)
	Enabled           bool
	Config            []byte // JSON, validated against the version's schema
	SealedSecrets     []byte
	SecretNames       []string // names set (values never leave the service)
	Priority          int
	Revision          int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// Version is the installed version (filled by the store on reads).
	Version Version
}

// Store persists versions and installations. Reads of a tenant's data take
// the tenant explicitly; a version is visible to a tenant when its owner is
// empty or the tenant.
type Store interface {
	// CreateVersion stores a version and its artifact; an identical artifact
	// for the same (owner, id, version) is a no-op, a different one Conflict.
	CreateVersion(ctx context.Context, v Version, artifact []byte) error
	// Versions lists the versions visible to tenant (all platform versions
	// when tenant is empty), without artifacts.
	Versions(ctx context.Context, tenant core.TenantID) ([]Version, error)
	Artifact(ctx context.Context, sha256 string) ([]byte, error)
	Installation(ctx context.Context, tenant core.TenantID, pluginID string) (Installation, error)
	Installations(ctx context.Context, tenant core.TenantID) ([]Installation, error)
	// SaveInstallation inserts or updates (by tenant and plugin id) and
	// bumps the revision; it returns the stored row.
	SaveInstallation(ctx context.Context, in Installation) (Installation, error)
	DeleteInstallation(ctx context.Context, tenant core.TenantID, pluginID string) error
}

// Sealer encrypts secrets at rest (core/secret.Box).
type Sealer interface {
	Seal(plaintext, aad []byte) []byte
	Open(sealed, aad []byte) ([]byte, error)
}

// Notifier announces a change of a tenant's installations to every plugin
// host (over the bus), so they reload without a restart.
type Notifier interface {
	InstallationChanged(ctx context.Context, tenant core.TenantID, installationID string) error
}

// Checker validates an artifact with the plugin engine before it is
// accepted (it compiles and checks the ABI, warming the compile cache).
type Checker interface {
	Compile(ctx context.Context, artifact []byte, hooks []string) error
}

// Runtime is an enabled installation as a plugin host needs it: the
// manifest's grants, the config, and the opened secrets.
type Runtime struct {
	InstallationID string
	Tenant         core.TenantID
	PluginID       string
	Version        string
	Revision       int64
	Hooks          []string
	SHA256         string
	Config         []byte
	Secrets        map[string]string
	SecretNames    []string
	AllowedHosts   []string
	Priority       int
}
