package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/plugin"
)

// PluginStore implements plugin.Store.
type PluginStore struct{ db *DB }

// NewPluginStore returns the plugin registry store.
func NewPluginStore(db *DB) *PluginStore { return &PluginStore{db: db} }

// CreateVersion implements plugin.Store.
func (s *PluginStore) CreateVersion(ctx context.Context, v plugin.Version, artifact []byte) error {
	manifest, err := json.Marshal(v.Manifest)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO plugin_artifacts (sha256, wasm, size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			v.SHA256, artifact, len(artifact)); err != nil {
			return translate(err, "plugin artifact")
		}
		var existing string
		err := tx.QueryRow(ctx, `SELECT sha256 FROM plugin_versions WHERE COALESCE(owner, '') = $1 AND plugin_id = $2 AND version = $3`,
			string(v.Owner), v.Manifest.ID, v.Manifest.Version).Scan(&existing)
		switch {
		case err == nil && existing == v.SHA256:
			return nil // the same bundle again: idempotent
		case err == nil:
			return core.Errorf(core.KindConflict, "plugin %s version %s already exists with a different artifact; bump the version", v.Manifest.ID, v.Manifest.Version)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO plugin_versions (id, owner, plugin_id, version, manifest, sha256, signed, signer_key)
			VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8)`,
			v.ID, string(v.Owner), v.Manifest.ID, v.Manifest.Version, manifest, v.SHA256, v.Signed, v.SignerKey)
		return translate(err, "plugin version")
	})
}

const versionCols = `v.id, COALESCE(v.owner, ''), v.manifest, v.sha256, a.size, v.signed, v.signer_key, v.created_at`

func scanVersion(row pgx.Row, v *plugin.Version) error {
	var manifest []byte
	var owner string
	if err := row.Scan(&v.ID, &owner, &manifest, &v.SHA256, &v.Size, &v.Signed, &v.SignerKey, &v.CreatedAt); err != nil {
		return err
	}
	v.Owner = core.TenantID(owner)
	return json.Unmarshal(manifest, &v.Manifest)
}

// Versions implements plugin.Store.
func (s *PluginStore) Versions(ctx context.Context, tenant core.TenantID) ([]plugin.Version, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+versionCols+` FROM plugin_versions v JOIN plugin_artifacts a USING (sha256)
		WHERE v.owner IS NULL OR v.owner = NULLIF($1, '') ORDER BY v.plugin_id, v.created_at`, string(tenant))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plugin.Version
	for rows.Next() {
		var v plugin.Version
		if err := scanVersion(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Artifact implements plugin.Store.
func (s *PluginStore) Artifact(ctx context.Context, sha string) ([]byte, error) {
	var b []byte
	err := s.db.Pool.QueryRow(ctx, `SELECT wasm FROM plugin_artifacts WHERE sha256 = $1`, sha).Scan(&b)
	return b, translate(err, "plugin artifact")
}

const installationCols = `i.id, i.tenant_id, i.plugin_id, i.version_id, COALESCE(i.previous_version_id, ''), COALESCE(pv.version, ''), i.enabled, i.config,
	i.secrets, i.secret_names, i.priority, i.revision, i.created_at, i.updated_at, ` + versionCols

const installationFrom = ` FROM plugin_installations i JOIN plugin_versions v ON v.id = i.version_id JOIN plugin_artifacts a ON a.sha256 = v.sha256
	LEFT JOIN plugin_versions pv ON pv.id = i.previous_version_id`

func scanInstallation(row pgx.Row) (plugin.Installation, error) {
	var in plugin.Installation
	var manifest []byte
	var owner string
	v := &in.Version
	err := row.Scan(&in.ID, &in.Tenant, &in.PluginID, &in.VersionID, &in.PreviousVersionID, &in.PreviousVersion, &in.Enabled, &in.Config,
		&in.SealedSecrets, &in.SecretNames, &in.Priority, &in.Revision, &in.CreatedAt, &in.UpdatedAt,
		&v.ID, &owner, &manifest, &v.SHA256, &v.Size, &v.Signed, &v.SignerKey, &v.CreatedAt)
	if err != nil {
		return in, err
	}
	v.Owner = core.TenantID(owner)
	return in, json.Unmarshal(manifest, &v.Manifest)
}

// Installation implements plugin.Store.
func (s *PluginStore) Installation(ctx context.Context, tenant core.TenantID, pluginID string) (plugin.Installation, error) {
	in, err := scanInstallation(s.db.Pool.QueryRow(ctx, `SELECT `+installationCols+installationFrom+
		` WHERE i.tenant_id = $1 AND i.plugin_id = $2`, tenant, pluginID))
	if err != nil {
		return in, translate(err, "plugin installation")
	}
	return in, nil
}

// Installations implements plugin.Store.
func (s *PluginStore) Installations(ctx context.Context, tenant core.TenantID) ([]plugin.Installation, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT `+installationCols+installationFrom+
		` WHERE i.tenant_id = $1 ORDER BY i.priority, i.plugin_id`, tenant)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []plugin.Installation{}
	for rows.Next() {
		in, err := scanInstallation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// SaveInstallation implements plugin.Store. The version must be visible to
// the tenant (platform or its own), checked in the same statement.
func (s *PluginStore) SaveInstallation(ctx context.Context, in plugin.Installation) (plugin.Installation, error) {
	tag, err := s.db.Pool.Exec(ctx, `INSERT INTO plugin_installations
		(id, tenant_id, plugin_id, version_id, previous_version_id, enabled, config, secrets, secret_names, priority)
		SELECT $1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10
		WHERE EXISTS (SELECT 1 FROM plugin_versions WHERE id = $4 AND (owner IS NULL OR owner = $2))
		ON CONFLICT (tenant_id, plugin_id) DO UPDATE SET version_id = EXCLUDED.version_id,
			previous_version_id = EXCLUDED.previous_version_id, enabled = EXCLUDED.enabled, config = EXCLUDED.config,
			secrets = EXCLUDED.secrets, secret_names = EXCLUDED.secret_names, priority = EXCLUDED.priority,
			revision = plugin_installations.revision + 1, updated_at = now()`,
		in.ID, in.Tenant, in.PluginID, in.VersionID, in.PreviousVersionID, in.Enabled, in.Config, in.SealedSecrets,
		in.SecretNames, in.Priority)
	if err != nil {
		return in, translate(err, "plugin installation")
	}
	if tag.RowsAffected() == 0 {
		return in, core.Errorf(core.KindNotFound, "plugin version not found")
	}
	return s.Installation(ctx, in.Tenant, in.PluginID)
}

// DeleteInstallation implements plugin.Store.
func (s *PluginStore) DeleteInstallation(ctx context.Context, tenant core.TenantID, pluginID string) error {
	tag, err := s.db.Pool.Exec(ctx, `DELETE FROM plugin_installations WHERE tenant_id = $1 AND plugin_id = $2`, tenant, pluginID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return core.Errorf(core.KindNotFound, "plugin installation not found")
	}
	return nil
}

// Interface guard.
var _ plugin.Store = (*PluginStore)(nil)
