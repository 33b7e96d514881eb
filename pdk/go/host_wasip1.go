//go:build wasip1

package pdk

import (
	"unsafe"

	"github.com/affcore/affcore/pdk/go/abi"
)

// The affcore_v1 host functions (see pdk/ABI.md). Host-to-guest data uses the
// caller-buffer pattern: the guest passes a buffer and its size, the host
// returns the needed length and copies only when it fits.

//go:wasmimport affcore_v1 log
func hostLog(level int32, ptr unsafe.Pointer, n uint32)

//go:wasmimport affcore_v1 log_enabled
func hostLogEnabled(level int32) int32

//go:wasmimport affcore_v1 config_get
func hostConfigGet(buf unsafe.Pointer, limit uint32) int32

//go:wasmimport affcore_v1 secret_get
func hostSecretGet(name unsafe.Pointer, nameLen uint32, buf unsafe.Pointer, limit uint32) int64

//go:wasmimport affcore_v1 kv_get
func hostKVGet(key unsafe.Pointer, keyLen uint32, buf unsafe.Pointer, limit uint32) int64

//go:wasmimport affcore_v1 kv_set
func hostKVSet(key unsafe.Pointer, keyLen uint32, val unsafe.Pointer, valLen uint32, ttl int32) int32

//go:wasmimport affcore_v1 kv_delete
func hostKVDelete(key unsafe.Pointer, keyLen uint32) int32

//go:wasmimport affcore_v1 http_send
func hostHTTPSend(req unsafe.Pointer, reqLen uint32) int64

//go:wasmimport affcore_v1 http_read
func hostHTTPRead(buf unsafe.Pointer, limit uint32) int32

//go:wasmimport affcore_v1 now_ms
func hostNowMs() int64

type wasmHost struct{}

func host() hostFuncs { return wasmHost{} }

// scratch is the reused buffer for host→guest copies.
var scratch = make([]byte, 4096)

func strPtr(s string) (unsafe.Pointer, uint32) {
	return unsafe.Pointer(unsafe.StringData(s)), uint32(len(s))
}

func bufPtr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// fetch runs a buffer-pattern host call, growing scratch once when the value
// does not fit, and returns a copy of the value.
func fetch(call func(buf unsafe.Pointer, limit uint32) int64) ([]byte, int32) {
	n := call(bufPtr(scratch), uint32(len(scratch)))
	if n < 0 {
		return nil, int32(n)
	}
	if int(n) > len(scratch) {
		scratch = make([]byte, n)
		if n = call(bufPtr(scratch), uint32(len(scratch))); n < 0 || int(n) > len(scratch) {
			return nil, abi.StatusFailed
		}
	}
	return append([]byte(nil), scratch[:n]...), abi.StatusOK
}

func (wasmHost) log(level int32, msg string) {
	p, n := strPtr(msg)
	hostLog(level, p, n)
}

func (wasmHost) logEnabled(level int32) bool { return hostLogEnabled(level) != 0 }

func (wasmHost) config() []byte {
	b, _ := fetch(func(buf unsafe.Pointer, limit uint32) int64 { return int64(hostConfigGet(buf, limit)) })
	return b
}

func (wasmHost) secret(name string) ([]byte, int32) {
	p, n := strPtr(name)
	return fetch(func(buf unsafe.Pointer, limit uint32) int64 { return hostSecretGet(p, n, buf, limit) })
}

func (wasmHost) kvGet(key string) ([]byte, int32) {
	p, n := strPtr(key)
	return fetch(func(buf unsafe.Pointer, limit uint32) int64 { return hostKVGet(p, n, buf, limit) })
}

func (wasmHost) kvSet(key string, val []byte, ttl int32) int32 {
	p, n := strPtr(key)
	return hostKVSet(p, n, bufPtr(val), uint32(len(val)), ttl)
}

func (wasmHost) kvDelete(key string) int32 {
	p, n := strPtr(key)
	return hostKVDelete(p, n)
}

func (wasmHost) httpSend(req []byte) ([]byte, int32) {
	n := hostHTTPSend(bufPtr(req), uint32(len(req)))
	if n < 0 {
		return nil, int32(n)
	}
	out := make([]byte, n)
	if m := hostHTTPRead(bufPtr(out), uint32(len(out))); int64(m) != n {
		return nil, abi.StatusFailed
	}
	return out, abi.StatusOK
}

func (wasmHost) nowMs() int64 { return hostNowMs() }
