// Package plugin is the plugin registry and installations domain: plugin
// manifests and signed bundles, the versions available to a tenant (the
// marketplace: first-party plugins plus the tenant's own uploads), and a
// tenant's installations with their validated config and sealed secrets
// (enable, disable, upgrade, roll back). Plugin hosts read the enabled
// installations through Service.Runtime; every change is announced through
// a Notifier so hosts on every node reload without a restart.
package plugin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/pdk/go/abi"
)

// Manifest describes a plugin version (manifest.json in a bundle).
type Manifest struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Version      string          `json:"version"`
	Publisher    string          `json:"publisher"`
	Description  string          `json:"description"`
	ABI          string          `json:"abi"`
	Hooks        []string        `json:"hooks"`
	ConfigSchema json.RawMessage `json:"config_schema,omitempty"`
	Secrets      []string        `json:"secrets"`
	AllowedHosts []string        `json:"allowed_hosts"`
}

var (
	idPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$`)
	versionPattern = regexp.MustCompile(`^(\d{1,6})\.(\d{1,6})\.(\d{1,6})(-[0-9A-Za-z.-]{1,32})?$`)
	secretPattern  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	hostPattern    = regexp.MustCompile(`^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:(\d{1,5}|\*))?$`)
)

// ParseManifest decodes and validates a manifest; errors name the field.
func ParseManifest(b []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, core.Invalid("manifest", "not a valid manifest.json: "+err.Error())
	}
	return m, m.Validate()
}

// Validate checks every field of the manifest.
func (m Manifest) Validate() error {
	var v core.Validator
	v.Check(len(m.ID) >= 3 && len(m.ID) <= 64 && idPattern.MatchString(m.ID), "manifest.id", "3–64 lower-case letters, digits, '-', '_' in dot-separated parts (e.g. agency.weekend-bonus)")
	v.Check(strings.TrimSpace(m.Name) != "" && len(m.Name) <= 100, "manifest.name", "required, at most 100 characters")
	v.Check(versionPattern.MatchString(m.Version), "manifest.version", "want a semantic version such as 1.2.0")
	v.Check(strings.TrimSpace(m.Publisher) != "" && len(m.Publisher) <= 100, "manifest.publisher", "required, at most 100 characters")
	v.Check(len(m.Description) <= 2000, "manifest.description", "at most 2000 characters")
	v.Check(compatibleABI(m.ABI), "manifest.abi", "this server runs plugin ABI "+abi.Version+"; rebuild the plugin with a matching PDK")
	v.Check(len(m.Hooks) > 0, "manifest.hooks", "declare at least one hook")
	for _, h := range m.Hooks {
		v.Check(abi.KnownHook(h), "manifest.hooks", fmt.Sprintf("unknown hook %q (known: %s)", h, strings.Join(abi.Hooks, ", ")))
	}
	v.Check(!hasDuplicates(m.Hooks), "manifest.hooks", "a hook is listed twice")
	for _, s := range m.Secrets {
		v.Check(secretPattern.MatchString(s), "manifest.secrets", fmt.Sprintf("secret name %q: lower-case letters, digits and '_'", s))
	}
	v.Check(!hasDuplicates(m.Secrets), "manifest.secrets", "a secret is listed twice")
	for _, h := range m.AllowedHosts {
		v.Check(hostPattern.MatchString(h), "manifest.allowed_hosts", fmt.Sprintf("%q: want host, *.domain, host:port or host:*", h))
	}
	if len(m.ConfigSchema) > 0 {
		if _, err := CompileSchema(m.ConfigSchema); err != nil {
			v.Add("manifest.config_schema", err.Error())
		}
	}
	return v.Err()
}

// compatibleABI accepts the host's major version with a minor version the
// host knows (minor versions only add imports and hooks).
func compatibleABI(s string) bool {
	major, minor, ok := strings.Cut(s, ".")
	hostMajor, hostMinor, _ := strings.Cut(abi.Version, ".")
	m, err1 := strconv.Atoi(minor)
	hm, err2 := strconv.Atoi(hostMinor)
	return ok && major == hostMajor && err1 == nil && err2 == nil && m <= hm
}

func hasDuplicates(s []string) bool {
	c := slices.Clone(s)
	slices.Sort(c)
	return len(slices.Compact(c)) != len(s)
}

// CompareVersions orders semantic versions (pre-releases before releases).
func CompareVersions(a, b string) int {
	ma, mb := versionPattern.FindStringSubmatch(a), versionPattern.FindStringSubmatch(b)
	if ma == nil || mb == nil {
		return strings.Compare(a, b)
	}
	for i := 1; i <= 3; i++ {
		x, _ := strconv.Atoi(ma[i])
		y, _ := strconv.Atoi(mb[i])
		if x != y {
			return x - y
		}
	}
	switch {
	case ma[4] == mb[4]:
		return 0
	case ma[4] == "":
		return 1
	case mb[4] == "":
		return -1
	}
	return strings.Compare(ma[4], mb[4])
}
