package plugin

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sort"

	"github.com/affcore/affcore/core"
)

// Service is the registry and installation service.
type Service struct {
	store   Store
	sealer  Sealer
	notify  Notifier
	checker Checker
	trusted []ed25519.PublicKey
	log     *slog.Logger
}

// Config holds the Service's collaborators.
type Config struct {
	Store    Store
	Sealer   Sealer
	Notifier Notifier // nil: no announcements (single process tests)
	Checker  Checker  // nil: artifacts are not compiled at upload
	// Trusted are the public keys whose signatures mark a bundle signed.
	Trusted []ed25519.PublicKey
}

// NewService returns a Service.
func NewService(cfg Config, log *slog.Logger) *Service {
	return &Service{store: cfg.Store, sealer: cfg.Sealer, notify: cfg.Notifier, checker: cfg.Checker, trusted: cfg.Trusted, log: log}
}

// RegisterPlatform adds a first-party bundle (owner: the platform). It must
// carry a signature by a trusted key.
func (s *Service) RegisterPlatform(ctx context.Context, bundle []byte) (Version, error) {
	return s.register(ctx, "", bundle)
}

// Upload adds a tenant-private bundle, visible only to tenant. It may be
// unsigned; a signature present must verify (a tampered bundle is refused).
func (s *Service) Upload(ctx context.Context, tenant core.TenantID, bundle []byte) (Version, error) {
	if tenant == "" {
		return Version{}, core.Invalid("tenant", "required")
	}
	return s.register(ctx, tenant, bundle)
}

func (s *Service) register(ctx context.Context, owner core.TenantID, raw []byte) (Version, error) {
	b, err := OpenBundle(raw)
	if err != nil {
		return Version{}, err
	}
	keyID, err := b.Verify(s.trusted)
	if err != nil {
		return Version{}, core.Wrap(core.KindInvalid, err, "bundle: the signature does not verify (tampered, or signed by an untrusted key)")
	}
	if owner == "" && keyID == "" {
		return Version{}, core.Invalid("bundle", "first-party bundles must be signed by a trusted key")
	}
	if err := s.checkID(ctx, owner, b.Manifest.ID); err != nil {
		return Version{}, err
	}
	if s.checker != nil {
		if err := s.checker.Compile(ctx, b.Wasm, b.Manifest.Hooks); err != nil {
			return Version{}, core.Invalid("bundle", "plugin.wasm: "+err.Error())
		}
	}
	v := Version{ID: core.NewID("plv"), Owner: owner, Manifest: b.Manifest, SHA256: b.SHA256, Size: len(b.Wasm),
		Signed: keyID != "", SignerKey: keyID}
	if err := s.store.CreateVersion(ctx, v, b.Wasm); err != nil {
		return Version{}, fmt.Errorf("register plugin %s %s: %w", b.Manifest.ID, b.Manifest.Version, err)
	}
	return s.version(ctx, owner, b.Manifest.ID, b.Manifest.Version)
}

// checkID keeps tenant plugins from shadowing platform ids and one tenant's
// ids from another's namespace: a tenant may not upload an id the platform
// uses.
func (s *Service) checkID(ctx context.Context, owner core.TenantID, id string) error {
	if owner == "" {
		return nil
	}
	platform, err := s.store.Versions(ctx, "")
	if err != nil {
		return err
	}
	for _, v := range platform {
		if v.Manifest.ID == id {
			return core.Invalid("manifest.id", fmt.Sprintf("%q is a platform plugin id; choose your own (e.g. agency.%s)", id, id))
		}
	}
	return nil
}

// version returns a visible version; "" picks the latest.
func (s *Service) version(ctx context.Context, tenant core.TenantID, id, version string) (Version, error) {
	all, err := s.store.Versions(ctx, tenant)
	if err != nil {
		return Version{}, err
	}
	var best *Version
	for i, v := range all {
		if v.Manifest.ID != id || (version != "" && v.Manifest.Version != version) {
			continue
		}
		if best == nil || CompareVersions(v.Manifest.Version, best.Manifest.Version) > 0 {
			best = &all[i]
		}
	}
	if best == nil {
		if version != "" {
			return Version{}, core.Errorf(core.KindNotFound, "plugin %s has no version %s", id, version)
		}
		return Version{}, core.Errorf(core.KindNotFound, "plugin %s not found", id)
	}
	return *best, nil
}

// Listing is one plugin in the marketplace: its latest visible version.
type Listing struct {
	Version  Version
	Versions []string // every visible version, newest first
	Private  bool     // a tenant-private upload
}

// Marketplace lists the plugins visible to tenant, newest version of each.
func (s *Service) Marketplace(ctx context.Context, tenant core.TenantID) ([]Listing, error) {
	all, err := s.store.Versions(ctx, tenant)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Listing{}
	for _, v := range all {
		l := byID[v.Manifest.ID]
		if l == nil {
			l = &Listing{Version: v, Private: v.Owner != ""}
			byID[v.Manifest.ID] = l
		} else if CompareVersions(v.Manifest.Version, l.Version.Manifest.Version) > 0 {
			l.Version = v
		}
		l.Versions = append(l.Versions, v.Manifest.Version)
	}
	out := make([]Listing, 0, len(byID))
	for _, l := range byID {
		sort.Slice(l.Versions, func(i, j int) bool { return CompareVersions(l.Versions[i], l.Versions[j]) > 0 })
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version.Manifest.ID < out[j].Version.Manifest.ID })
	return out, nil
}

// Artifact returns an artifact by sha256 (plugin hosts compile it).
func (s *Service) Artifact(ctx context.Context, sha string) ([]byte, error) {
	return s.store.Artifact(ctx, sha)
}

// secretsAAD binds sealed secrets to their tenant and plugin.
func secretsAAD(tenant core.TenantID, pluginID string) []byte {
	return []byte("plugin-secrets\x00" + string(tenant) + "\x00" + pluginID)
}

func (s *Service) openSecrets(in Installation) (map[string]string, error) {
	m := map[string]string{}
	if len(in.SealedSecrets) == 0 {
		return m, nil
	}
	pt, err := s.sealer.Open(in.SealedSecrets, secretsAAD(in.Tenant, in.PluginID))
	if err != nil {
		return nil, fmt.Errorf("open secrets of %s: %w", in.PluginID, err)
	}
	if err := json.Unmarshal(pt, &m); err != nil {
		return nil, fmt.Errorf("open secrets of %s: %w", in.PluginID, err)
	}
	return m, nil
}

func (s *Service) sealSecrets(tenant core.TenantID, pluginID string, m map[string]string) []byte {
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return s.sealer.Seal(b, secretsAAD(tenant, pluginID))
}

func (s *Service) announce(ctx context.Context, tenant core.TenantID, installationID string) {
	if s.notify == nil {
		return
	}
	if err := s.notify.InstallationChanged(ctx, tenant, installationID); err != nil {
		// Hosts also expire their caches, so a lost announcement delays a
		// change by at most the cache TTL.
		s.log.Warn("announce plugin change", "tenant_id", tenant, "installation_id", installationID, "err", err)
	}
}

func secretNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
