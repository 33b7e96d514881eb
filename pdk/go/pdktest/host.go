package pdktest

import (
	"slices"
	"time"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// The methods below implement the native host interface of the PDK.

// Log implements the log host function.
func (h *Host) Log(level int32, msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, LogLine{Level: pdk.Level(level), Message: msg})
}

// LogEnabled implements the log_enabled host function: every level is on.
func (h *Host) LogEnabled(int32) bool { return true }

// Config implements config_get.
func (h *Host) Config() []byte { return []byte(h.ConfigJSON) }

// Secret implements secret_get.
func (h *Host) Secret(name string) ([]byte, int32) {
	if h.Declared != nil && !slices.Contains(h.Declared, name) {
		return nil, abi.StatusDenied
	}
	v, ok := h.Secrets[name]
	if !ok {
		return nil, abi.StatusNotFound
	}
	return []byte(v), abi.StatusOK
}

// KVGet implements kv_get.
func (h *Host) KVGet(key string) ([]byte, int32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.KV[key]
	if !ok {
		return nil, abi.StatusNotFound
	}
	return slices.Clone(v), abi.StatusOK
}

// KVSet implements kv_set (TTLs are not simulated).
func (h *Host) KVSet(key string, val []byte, _ int32) int32 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.KV == nil {
		h.KV = map[string][]byte{}
	}
	h.KV[key] = slices.Clone(val)
	return abi.StatusOK
}

// KVDelete implements kv_delete.
func (h *Host) KVDelete(key string) int32 {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.KV, key)
	return abi.StatusOK
}

// HTTPSend implements http_send.
func (h *Host) HTTPSend(req []byte) ([]byte, int32) {
	var r hook.HTTPRequest
	if err := r.UnmarshalMsg(req); err != nil {
		return nil, abi.StatusInvalid
	}
	if h.HTTP == nil {
		return nil, abi.StatusDenied
	}
	h.mu.Lock()
	h.requests = append(h.requests, r)
	h.mu.Unlock()
	res, err := h.HTTP(r)
	if err != nil {
		return nil, abi.StatusFailed
	}
	return res.AppendMsg(nil), abi.StatusOK
}

// NowMs implements now_ms.
func (h *Host) NowMs() int64 {
	if h.Clock.IsZero() {
		return time.Now().UnixMilli()
	}
	return h.Clock.UnixMilli()
}
