// Package pdk is the Go plugin development kit of affcore. A plugin is a
// plain Go program built with the standard toolchain
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared) whose hook
// functions take and return the typed contracts of package hook; the PDK
// does the memory handling, encoding, panics, and the long-lived-instance
// GC rule. Host services — config, secrets, key-value store, outbound HTTP,
// logs, clock — are the functions of this package.
//
// A plugin has two files: its logic (any name, tested natively with
// pdktest) and an export shim whose name ends in _wasip1.go:
//
//	var commission = pdk.NewHandler(Commission)
//
//	//go:wasmexport hook_commission
//	func hookCommission(n uint32) uint64 { return commission.Serve(n) }
//
// Rules (instances are per tenant installation, reused across calls, and may
// be recycled at any time): keep no goroutine alive past a call, do not
// sleep, keep state in package variables only as a cache, and avoid
// reflection-based encoding on hot hooks.
package pdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// hostFuncs is the host interface both builds implement: the affcore_v1
// imports under wasip1, the test kit's fake natively.
type hostFuncs interface {
	log(level int32, msg string)
	logEnabled(level int32) bool
	config() []byte
	secret(name string) ([]byte, int32)
	kvGet(key string) ([]byte, int32)
	kvSet(key string, val []byte, ttl int32) int32
	kvDelete(key string) int32
	httpSend(req []byte) ([]byte, int32)
	nowMs() int64
}

// Errors of host calls.
var (
	ErrNotFound = errors.New("pdk: not found")
	ErrDenied   = errors.New("pdk: denied by the host (not declared in the manifest, or not allowed for this hook)")
	ErrLimit    = errors.New("pdk: host limit reached")
	ErrInvalid  = errors.New("pdk: invalid argument")
	ErrFailed   = errors.New("pdk: host operation failed")
)

func statusErr(code int32) error {
	switch code {
	case abi.StatusOK:
		return nil
	case abi.StatusNotFound:
		return ErrNotFound
	case abi.StatusDenied:
		return ErrDenied
	case abi.StatusLimit:
		return ErrLimit
	case abi.StatusInvalid:
		return ErrInvalid
	}
	return ErrFailed
}

// Level is a log level.
type Level int32

// Log levels.
const (
	LevelDebug Level = abi.LevelDebug
	LevelInfo  Level = abi.LevelInfo
	LevelWarn  Level = abi.LevelWarn
	LevelError Level = abi.LevelError
)

// Log writes one line to the installation's plugin log. The host truncates
// long lines and limits the volume per call.
func Log(level Level, msg string) { host().log(int32(level), msg) }

// Logf formats and logs a line, skipping the formatting when the host would
// drop the level anyway.
func Logf(level Level, format string, args ...any) {
	h := host()
	if h.logEnabled(int32(level)) {
		h.log(int32(level), fmt.Sprintf(format, args...))
	}
}

// Config returns the installation's configuration: JSON already validated by
// the host against the manifest's config schema.
func Config() []byte { return host().config() }

// ConfigJSON decodes the configuration into v. Call it once (from the
// affcore_init export through Init) and keep the result.
func ConfigJSON(v any) error {
	b := Config()
	if len(b) == 0 {
		b = []byte("{}")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return Fail(abi.CodeInvalidConfig, "config: %v", err)
	}
	return nil
}

// Secret returns a secret of the installation. Only names the manifest
// declares can be read; ErrNotFound means the tenant has not set it.
func Secret(name string) (string, error) {
	b, st := host().secret(name)
	if st != abi.StatusOK {
		return "", fmt.Errorf("secret %q: %w", name, statusErr(st))
	}
	return string(b), nil
}

// KVGet reads a key of the plugin's key-value store (scoped to the tenant and
// the plugin). ok is false when the key does not exist.
func KVGet(key string) (val []byte, ok bool, err error) {
	b, st := host().kvGet(key)
	switch st {
	case abi.StatusOK:
		return b, true, nil
	case abi.StatusNotFound:
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("kv get %q: %w", key, statusErr(st))
}

// KVSet stores a value; ttl 0 keeps it until deleted.
func KVSet(key string, val []byte, ttl time.Duration) error {
	if st := host().kvSet(key, val, int32(ttl/time.Second)); st != abi.StatusOK {
		return fmt.Errorf("kv set %q: %w", key, statusErr(st))
	}
	return nil
}

// KVDelete removes a key.
func KVDelete(key string) error {
	if st := host().kvDelete(key); st != abi.StatusOK && st != abi.StatusNotFound {
		return fmt.Errorf("kv delete %q: %w", key, statusErr(st))
	}
	return nil
}

// HTTP sends a request through the host: https only, to the hosts the
// manifest allows, never to private addresses, within the hook's deadline.
func HTTP(req hook.HTTPRequest) (hook.HTTPResponse, error) {
	var res hook.HTTPResponse
	b, st := host().httpSend(req.AppendMsg(nil))
	if st != abi.StatusOK {
		return res, fmt.Errorf("http %s %s: %w", req.Method, req.URL, statusErr(st))
	}
	if err := res.UnmarshalMsg(b); err != nil {
		return res, fmt.Errorf("http %s: decode response: %w", req.URL, err)
	}
	return res, nil
}

// Now returns the host's clock. Hooks get their event time in the input;
// use Now only for request signatures and timeouts.
func Now() time.Time { return time.UnixMilli(host().nowMs()).UTC() }
