// Package hosts is affcore's engine-neutral plugin host: the Plugin and
// Loader interfaces that engines implement (hosts/wasm for WebAssembly,
// hosts/inproc for Go functions), limits per hook class, the Dispatcher that
// routes a tenant's hook call to its installations with a circuit breaker
// and a fail policy per hook, and typed entry points (Hooks) for the core.
//
// A hook call crosses this package as MessagePack bytes of the contracts in
// pdk/go/hook, so the same call can run in process, in a Wasm instance, or
// on a remote `affcore host` over NATS.
package hosts

import (
	"context"
	"errors"
	"fmt"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/pdk/go/abi"
)

// Installation is everything a host needs to run one tenant's installed
// plugin: identity, the artifact, the validated config, the secrets and what
// the manifest grants.
type Installation struct {
	ID       string // installation id; pools, breakers and logs are keyed by it
	Tenant   core.TenantID
	PluginID string
	Version  string
	// Revision changes whenever the installation changes (config, secrets,
	// version, enabled); a host reloads when it sees a new revision.
	Revision int64
	Hooks    []string
	// SHA256 identifies the artifact; compiled code is cached by it.
	SHA256   string
	Artifact []byte
	Config   []byte // JSON
	// Secrets holds the tenant's secret values; SecretNames the names the
	// manifest declares (only those can be read).
	Secrets      map[string]string
	SecretNames  []string
	AllowedHosts []string
	// Priority orders a tenant's installations of the same hook (lower first).
	Priority int
}

// Serves reports whether the installation declares hook.
func (in Installation) Serves(hook string) bool {
	for _, h := range in.Hooks {
		if h == hook {
			return true
		}
	}
	return false
}

// Plugin is one loaded installation. Call runs a hook with encoded input and
// returns the encoded result; failures are *CallError.
type Plugin interface {
	Call(ctx context.Context, hook string, in []byte) ([]byte, error)
	Close(ctx context.Context) error
}

// Loader turns an installation into a ready Plugin (an engine).
type Loader interface {
	Load(ctx context.Context, inst Installation) (Plugin, error)
}

// Resolver lists a tenant's enabled installations serving a hook, in
// priority order.
type Resolver interface {
	Installations(ctx context.Context, tenant core.TenantID, hook string) ([]Installation, error)
}

// Caller runs a tenant's hook: in process (Dispatcher), or on a remote host
// over the bus. Hooks is built on a Caller.
type Caller interface {
	Call(ctx context.Context, tenant core.TenantID, hook string, in []byte) ([]byte, error)
}

// ErrNoPlugin is matched (errors.Is) by the error of a call for a hook the
// tenant has no enabled installation of; callers then use built-in logic.
var ErrNoPlugin = errors.New("no plugin installed for this hook")

// CallError is a failed hook call: an ABI error code (abi.Code* from the
// plugin, abi.Host* from the host), a message, and whether retrying later
// may succeed.
type CallError struct {
	Code      string
	Message   string
	Retryable bool
	PluginID  string
	// Host is set when the host, not the plugin, ended the call (timeout,
	// trap, limits); the instance was discarded.
	Host bool
}

func (e *CallError) Error() string {
	who := "plugin"
	if e.PluginID != "" {
		who = "plugin " + e.PluginID
	}
	return fmt.Sprintf("%s: %s: %s", who, e.Code, e.Message)
}

// Is lets errors.Is(err, ErrNoPlugin) match a no-plugin CallError.
func (e *CallError) Is(target error) bool { return target == ErrNoPlugin && e.Code == abi.HostNoPlugin }

// Fault reports whether the error counts against the circuit breaker: the
// host had to stop the plugin (trap, timeout, broken output, load failure).
func (e *CallError) Fault() bool {
	switch e.Code {
	case abi.HostTimeout, abi.HostTrap, abi.HostOutputLimit, abi.HostBadEnvelope, abi.HostLoadFailed, abi.CodePanic:
		return true
	}
	return false
}

// hostError builds a host-side CallError.
func hostError(code string, retryable bool, format string, args ...any) *CallError {
	return &CallError{Code: code, Message: fmt.Sprintf(format, args...), Retryable: retryable, Host: true}
}

// HostError builds a CallError for a failure outside the plugin, for engines.
func HostError(code string, retryable bool, format string, args ...any) *CallError {
	return hostError(code, retryable, format, args...)
}

// AsCallError returns err as a *CallError, wrapping other errors as internal.
func AsCallError(err error) *CallError {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce
	}
	return &CallError{Code: abi.CodeInternal, Message: err.Error(), Retryable: true, Host: true}
}
