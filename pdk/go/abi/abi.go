// Package abi is affcore plugin ABI v1 as data: export and import names, the
// version marker, host-call return codes, log levels, error codes and the
// ok/error envelope that every hook returns. Both the host (hosts/wasm) and
// guests (the Go PDK) import it, so the two sides cannot drift apart.
// pdk/ABI.md is the language-neutral description.
package abi

// Version is the ABI version a manifest declares ("abi": "1.0").
const Version = "1.0"

// ImportModule is the namespace of every host function of ABI v1. A plugin
// built for another ABI imports another namespace and fails to link.
const ImportModule = "affcore_v1"

// Guest exports.
const (
	// ExportMarker is the version marker export; it is never called.
	ExportMarker = "affcore_abi_v1_0"
	// ExportAlloc is (size i32) -> ptr i32: a guest buffer of at least size
	// bytes into which the host writes a hook's input.
	ExportAlloc = "affcore_alloc"
	// ExportInit is () -> status i32, called once per instance after
	// _initialize; non-zero means the plugin refused its configuration.
	ExportInit = "affcore_init"
	// ExportGC is () -> (), asks the guest to collect garbage now.
	ExportGC = "affcore_gc"
	// ExportInitialize is the WASI reactor initializer.
	ExportInitialize = "_initialize"
	// HookExportPrefix prefixes each hook export: hook_<hook name>.
	HookExportPrefix = "hook_"
)

// Host imports (module ImportModule).
const (
	ImportLog        = "log"         // (level, ptr, len i32)
	ImportLogEnabled = "log_enabled" // (level i32) -> i32
	ImportConfigGet  = "config_get"  // (buf, limit i32) -> i32 length
	ImportSecretGet  = "secret_get"  // (name_ptr, name_len, buf, limit i32) -> i64 length | error
	ImportKVGet      = "kv_get"      // (key_ptr, key_len, buf, limit i32) -> i64 length | error
	ImportKVSet      = "kv_set"      // (key_ptr, key_len, val_ptr, val_len, ttl_s i32) -> i32 status
	ImportKVDelete   = "kv_delete"   // (key_ptr, key_len i32) -> i32 status
	ImportHTTPSend   = "http_send"   // (req_ptr, req_len i32) -> i64 response length | error
	ImportHTTPRead   = "http_read"   // (buf, limit i32) -> i32 length of the pending response
	ImportNowMs      = "now_ms"      // () -> i64 unix milliseconds
)

// Imports lists every host function of ABI v1; the host refuses a module
// that imports anything else from ImportModule.
var Imports = []string{ImportLog, ImportLogEnabled, ImportConfigGet, ImportSecretGet, ImportKVGet,
	ImportKVSet, ImportKVDelete, ImportHTTPSend, ImportHTTPRead, ImportNowMs}

// Host-call status codes. A non-negative result is a length (or 0 = ok);
// when a length exceeds the guest's buffer limit nothing was copied and the
// guest calls again with a buffer of that size (http-wasm convention).
const (
	StatusOK       = 0
	StatusNotFound = -1 // no such secret or key
	StatusDenied   = -2 // not declared in the manifest, not allowed by the hook class, or refused address
	StatusLimit    = -3 // a quota or size limit was reached
	StatusInvalid  = -4 // malformed argument
	StatusFailed   = -5 // the operation failed (network error, timeout, storage down)
)

// Log levels for ImportLog (slog's numbering).
const (
	LevelDebug = -4
	LevelInfo  = 0
	LevelWarn  = 4
	LevelError = 8
)

// Hook names. The export of hook H is HookExportPrefix + H.
const (
	HookClickScore     = "click_score"
	HookCommission     = "commission"
	HookPostbackFormat = "postback_format"
	HookCAPIDeliver    = "capi_deliver"
	HookPayout         = "payout"
	HookPayoutStatus   = "payout_status"
	HookSpendSync      = "spend_sync"
)

// Hooks lists every hook of ABI v1.
var Hooks = []string{HookClickScore, HookCommission, HookPostbackFormat, HookCAPIDeliver,
	HookPayout, HookPayoutStatus, HookSpendSync}

// KnownHook reports whether h is a hook of ABI v1.
func KnownHook(h string) bool {
	for _, k := range Hooks {
		if k == h {
			return true
		}
	}
	return false
}

// PackResult packs an output pointer and length into a hook's i64 result.
func PackResult(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// UnpackResult splits a hook's i64 result into pointer and length.
func UnpackResult(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }
