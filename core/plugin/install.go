package plugin

import (
	"context"
	"fmt"
	"slices"

	"github.com/affcore/affcore/core"
)

// InstallRequest is the body of an install: the version (empty = latest),
// the config (validated against the version's schema) and secrets (only
// names the manifest declares; a name given with an empty value is removed,
// names not given keep their current value).
type InstallRequest struct {
	Version string
	Config  []byte
	Secrets map[string]string
}

// Install installs a plugin for tenant, or reconfigures / upgrades an
// existing installation (the old version is kept for roll back).
func (s *Service) Install(ctx context.Context, tenant core.TenantID, pluginID string, req InstallRequest) (Installation, error) {
	v, err := s.version(ctx, tenant, pluginID, req.Version)
	if err != nil {
		return Installation{}, err
	}
	cfg, err := validateConfig(v.Manifest, req.Config)
	if err != nil {
		return Installation{}, err
	}
	in, err := s.store.Installation(ctx, tenant, pluginID)
	switch {
	case core.KindOf(err) == core.KindNotFound:
		in = Installation{ID: core.NewID("pin"), Tenant: tenant, PluginID: pluginID, Enabled: true, Priority: 100}
	case err != nil:
		return Installation{}, err
	}
	secrets, err := s.mergeSecrets(in, v.Manifest, req.Secrets)
	if err != nil {
		return Installation{}, err
	}
	if in.VersionID != "" && in.VersionID != v.ID {
		in.PreviousVersionID = in.VersionID
	}
	in.VersionID, in.Config = v.ID, cfg
	in.SealedSecrets, in.SecretNames = s.sealSecrets(tenant, pluginID, secrets), secretNames(secrets)
	saved, err := s.store.SaveInstallation(ctx, in)
	if err != nil {
		return Installation{}, fmt.Errorf("install %s: %w", pluginID, err)
	}
	s.announce(ctx, tenant, saved.ID)
	return saved, nil
}

// validateConfig checks config against the manifest's schema and returns
// it compacted; an absent config is an empty object.
func validateConfig(m Manifest, config []byte) ([]byte, error) {
	if len(config) == 0 || string(config) == "null" {
		config = []byte("{}")
	}
	if len(config) > 64<<10 {
		return nil, core.Invalid("config", "larger than 64 KiB")
	}
	if len(m.ConfigSchema) > 0 {
		sch, err := CompileSchema(m.ConfigSchema)
		if err != nil {
			return nil, core.Wrap(core.KindInternal, err, "the plugin's config schema does not compile")
		}
		if err := sch.Validate(config); err != nil {
			return nil, err
		}
	}
	return compactJSON(config)
}

func (s *Service) mergeSecrets(in Installation, m Manifest, given map[string]string) (map[string]string, error) {
	current, err := s.openSecrets(in)
	if err != nil {
		return nil, err
	}
	var v core.Validator
	for name, val := range given {
		if !slices.Contains(m.Secrets, name) {
			v.Add("secrets."+name, "the plugin does not declare this secret")
			continue
		}
		v.Check(len(val) <= 8<<10, "secrets."+name, "at most 8 KiB")
		if val == "" {
			delete(current, name)
		} else {
			current[name] = val
		}
	}
	for name := range current { // after an upgrade, drop what the new version no longer declares
		if !slices.Contains(m.Secrets, name) {
			delete(current, name)
		}
	}
	return current, v.Err()
}

// Installed lists the tenant's installations (no secret values).
func (s *Service) Installed(ctx context.Context, tenant core.TenantID) ([]Installation, error) {
	return s.store.Installations(ctx, tenant)
}

// Get returns one installation of tenant.
func (s *Service) Get(ctx context.Context, tenant core.TenantID, pluginID string) (Installation, error) {
	return s.store.Installation(ctx, tenant, pluginID)
}

// Uninstall removes an installation and its secrets.
func (s *Service) Uninstall(ctx context.Context, tenant core.TenantID, pluginID string) error {
	in, err := s.store.Installation(ctx, tenant, pluginID)
	if err != nil {
		return err
	}
	if err := s.store.DeleteInstallation(ctx, tenant, pluginID); err != nil {
		return err
	}
	s.announce(ctx, tenant, in.ID)
	return nil
}

// SetEnabled enables or disables an installation.
func (s *Service) SetEnabled(ctx context.Context, tenant core.TenantID, pluginID string, enabled bool) (Installation, error) {
	return s.update(ctx, tenant, pluginID, func(in *Installation) error {
		in.Enabled = enabled
		return nil
	})
}

// Rollback returns an installation to its previous version. The current
// config must be valid for that version too.
func (s *Service) Rollback(ctx context.Context, tenant core.TenantID, pluginID string) (Installation, error) {
	return s.update(ctx, tenant, pluginID, func(in *Installation) error {
		if in.PreviousVersionID == "" {
			return core.Errorf(core.KindConflict, "%s has no previous version to roll back to", pluginID)
		}
		prev, err := s.versionByID(ctx, tenant, in.PreviousVersionID)
		if err != nil {
			return err
		}
		if _, err := validateConfig(prev.Manifest, in.Config); err != nil {
			return err
		}
		in.VersionID, in.PreviousVersionID = prev.ID, in.VersionID
		return nil
	})
}

func (s *Service) versionByID(ctx context.Context, tenant core.TenantID, id string) (Version, error) {
	all, err := s.store.Versions(ctx, tenant)
	if err != nil {
		return Version{}, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return Version{}, core.Errorf(core.KindNotFound, "plugin version not found")
}

func (s *Service) update(ctx context.Context, tenant core.TenantID, pluginID string, change func(*Installation) error) (Installation, error) {
	in, err := s.store.Installation(ctx, tenant, pluginID)
	if err != nil {
		return Installation{}, err
	}
	if err := change(&in); err != nil {
		return Installation{}, err
	}
	saved, err := s.store.SaveInstallation(ctx, in)
	if err != nil {
		return Installation{}, err
	}
	s.announce(ctx, tenant, saved.ID)
	return saved, nil
}

// Runtime returns the tenant's enabled installations with opened secrets,
// for plugin hosts only (never for the API).
func (s *Service) Runtime(ctx context.Context, tenant core.TenantID) ([]Runtime, error) {
	ins, err := s.store.Installations(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]Runtime, 0, len(ins))
	for _, in := range ins {
		if !in.Enabled {
			continue
		}
		secrets, err := s.openSecrets(in)
		if err != nil {
			return nil, err
		}
		m := in.Version.Manifest
		out = append(out, Runtime{InstallationID: in.ID, Tenant: tenant, PluginID: in.PluginID, Version: m.Version,
			Revision: in.Revision, Hooks: m.Hooks, SHA256: in.Version.SHA256, Config: in.Config, Secrets: secrets,
			SecretNames: m.Secrets, AllowedHosts: m.AllowedHosts, Priority: in.Priority})
	}
	return out, nil
}
