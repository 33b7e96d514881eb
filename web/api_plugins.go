package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/hosts"
)

// PluginService is what the plugin routes need of the registry
// (core/plugin.Service implements it).
type PluginService interface {
	Marketplace(ctx context.Context, tenant core.TenantID) ([]plugin.Listing, error)
	Upload(ctx context.Context, tenant core.TenantID, bundle []byte) (plugin.Version, error)
	Install(ctx context.Context, tenant core.TenantID, pluginID string, req plugin.InstallRequest) (plugin.Installation, error)
	Installed(ctx context.Context, tenant core.TenantID) ([]plugin.Installation, error)
	Get(ctx context.Context, tenant core.TenantID, pluginID string) (plugin.Installation, error)
	Uninstall(ctx context.Context, tenant core.TenantID, pluginID string) error
	SetEnabled(ctx context.Context, tenant core.TenantID, pluginID string, enabled bool) (plugin.Installation, error)
	Rollback(ctx context.Context, tenant core.TenantID, pluginID string) (plugin.Installation, error)
}

// PluginLogs returns an installation's recent plugin log (hosts.LogBook).
type PluginLogs interface {
	Recent(tenant core.TenantID, installation string, minLevel slog.Level) []hosts.LogEntry
}

// listingView is one marketplace entry.
type listingView struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Version      string          `json:"version"`
	Versions     []string        `json:"versions"`
	Publisher    string          `json:"publisher"`
	Description  string          `json:"description"`
	Hooks        []string        `json:"hooks"`
	Signed       bool            `json:"signed"`
	Private      bool            `json:"private"`
	ConfigSchema json.RawMessage `json:"config_schema"`
	Secrets      []string        `json:"secrets"`
	AllowedHosts []string        `json:"allowed_hosts"`
}

func listingOf(l plugin.Listing) listingView {
	m := l.Version.Manifest
	schema := m.ConfigSchema
	if len(schema) == 0 {
		schema = json.RawMessage(`{"type":"object"}`)
	}
	return listingView{ID: m.ID, Name: m.Name, Version: m.Version, Versions: l.Versions, Publisher: m.Publisher,
		Description: m.Description, Hooks: m.Hooks, Signed: l.Version.Signed, Private: l.Private, ConfigSchema: schema,
		Secrets: nonNil(m.Secrets), AllowedHosts: nonNil(m.AllowedHosts)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// installedView is an installation as the API shows it: secret names, never values.
type installedView struct {
	ID              string          `json:"id"`
	InstallationID  string          `json:"installation_id"`
	Name            string          `json:"name"`
	Version         string          `json:"version"`
	PreviousVersion string          `json:"previous_version,omitempty"`
	Enabled         bool            `json:"enabled"`
	Hooks           []string        `json:"hooks"`
	Signed          bool            `json:"signed"`
	Config          json.RawMessage `json:"config"`
	Secrets         []string        `json:"secrets"`
	Revision        int64           `json:"revision"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

func installedOf(in plugin.Installation) installedView {
	m := in.Version.Manifest
	return installedView{ID: in.PluginID, InstallationID: in.ID, Name: m.Name, Version: m.Version, PreviousVersion: in.PreviousVersion,
		Enabled: in.Enabled, Hooks: m.Hooks, Signed: in.Version.Signed, Config: json.RawMessage(in.Config),
		Secrets: nonNil(in.SecretNames), Revision: in.Revision, UpdatedAt: in.UpdatedAt}
}

// handleMarketplace serves GET /api/v1/marketplace.
func handleMarketplace(s *Server, svc PluginService) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ls, err := svc.Marketplace(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[listingView]{Items: make([]listingView, 0, len(ls))}
		for _, l := range ls {
			out.Items = append(out.Items, listingOf(l))
		}
		respond(w, http.StatusOK, out)
	}
}

// handlePluginUpload serves POST /api/v1/plugins: a tenant-private bundle
// as the raw request body.
func handlePluginUpload(s *Server, svc PluginService) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, plugin.MaxBundle))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if len(body) == 0 {
			s.writeError(w, r, core.Invalid("bundle", "send the bundle (.affplug) as the request body"))
			return
		}
		v, err := svc.Upload(r.Context(), principal(r).TenantID, body)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusCreated, listingOf(plugin.Listing{Version: v, Versions: []string{v.Manifest.Version}, Private: true}))
	}
}

// installRequest is the POST /api/v1/plugins/{id}/install body.
type installRequest struct {
	Version string            `json:"version"`
	Config  json.RawMessage   `json:"config"`
	Secrets map[string]string `json:"secrets"`
}

// handlePluginInstall serves POST /api/v1/plugins/{id}/install (install,
// reconfigure, or upgrade when a newer version is given).
func handlePluginInstall(s *Server, svc PluginService) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req installRequest
		if err := decode(w, r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		tenant, id := principal(r).TenantID, chi.URLParam(r, "id")
		_, existsErr := svc.Get(r.Context(), tenant, id)
		in, err := svc.Install(r.Context(), tenant, id, plugin.InstallRequest{Version: req.Version, Config: req.Config, Secrets: req.Secrets})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		status := http.StatusOK
		if core.KindOf(existsErr) == core.KindNotFound {
			status = http.StatusCreated
		}
		respond(w, status, installedOf(in))
	}
}

// upgradeRequest is the POST /api/v1/plugins/{id}/upgrade body.
type upgradeRequest struct {
	Version string `json:"version"`
}

// handlePluginUpgrade serves POST /api/v1/plugins/{id}/upgrade: move to a
// version (default the latest) keeping the config and secrets.
func handlePluginUpgrade(s *Server, svc PluginService) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req upgradeRequest
		if r.ContentLength != 0 {
			if err := decode(w, r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		tenant, id := principal(r).TenantID, chi.URLParam(r, "id")
		cur, err := svc.Get(r.Context(), tenant, id)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		in, err := svc.Install(r.Context(), tenant, id, plugin.InstallRequest{Version: req.Version, Config: cur.Config})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, installedOf(in))
	}
}

// handlePluginsInstalled serves GET /api/v1/plugins/installed.
func handlePluginsInstalled(s *Server, svc PluginService) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ins, err := svc.Installed(r.Context(), principal(r).TenantID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := list[installedView]{Items: make([]installedView, 0, len(ins))}
		for _, in := range ins {
			out.Items = append(out.Items, installedOf(in))
		}
		respond(w, http.StatusOK, out)
	}
}

// handlePluginChange serves the single-installation actions: DELETE
// /api/v1/plugins/{id} and POST .../enable, .../disable, .../rollback.
func handlePluginChange(s *Server, svc PluginService, action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tenant, id := principal(r).TenantID, chi.URLParam(r, "id")
		var in plugin.Installation
		var err error
		switch action {
		case "uninstall":
			if err = svc.Uninstall(r.Context(), tenant, id); err == nil {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		case "enable", "disable":
			in, err = svc.SetEnabled(r.Context(), tenant, id, action == "enable")
		case "rollback":
			in, err = svc.Rollback(r.Context(), tenant, id)
		default:
			err = errors.New("unknown plugin action " + action)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		respond(w, http.StatusOK, installedOf(in))
	}
}

// handlePluginLogs serves GET /api/v1/plugins/{id}/logs: the installation's
// recent log lines from every plugin host (?errors=1 for warnings and errors only).
func handlePluginLogs(s *Server, svc PluginService, logs PluginLogs) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tenant := principal(r).TenantID
		in, err := svc.Get(r.Context(), tenant, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		level := slog.LevelDebug
		if r.URL.Query().Get("errors") == "1" {
			level = slog.LevelWarn
		}
		out := list[hosts.LogEntry]{Items: []hosts.LogEntry{}}
		if logs != nil {
			out.Items = append(out.Items, logs.Recent(tenant, in.ID, level)...)
		}
		respond(w, http.StatusOK, out)
	}
}

// serviceAvailable answers 503 on an area's routes when its service is not
// configured (tests build servers with only what they exercise).
func (s *Server) serviceAvailable(ok bool, area string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !ok {
				s.writeError(w, r, core.Errorf(core.KindUnavailable, "%s are not configured on this server", area))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
