package wasm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
)

// KV limits (pdk/ABI.md).
const (
	maxKeyLen   = 256
	maxValueLen = 64 << 10
)

const i32, i64 = api.ValueTypeI32, api.ValueTypeI64

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// instantiateHost defines the affcore_v1 host module in a runtime. Every
// function finds its call's state in ctx; a call without state (which cannot
// happen through this engine) is denied.
func (e *Engine) instantiateHost(ctx context.Context, r wazero.Runtime) error {
	b := r.NewHostModuleBuilder(abi.ImportModule)
	def := func(name string, fn api.GoModuleFunc, params, results []api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(fn, params, results).Export(name)
	}
	def(abi.ImportLog, e.hostLog, []api.ValueType{i32, i32, i32}, nil)
	def(abi.ImportLogEnabled, hostLogEnabled, []api.ValueType{i32}, []api.ValueType{i32})
	def(abi.ImportConfigGet, hostConfigGet, []api.ValueType{i32, i32}, []api.ValueType{i32})
	def(abi.ImportSecretGet, hostSecretGet, []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i64})
	def(abi.ImportKVGet, e.hostKVGet, []api.ValueType{i32, i32, i32, i32}, []api.ValueType{i64})
	def(abi.ImportKVSet, e.hostKVSet, []api.ValueType{i32, i32, i32, i32, i32}, []api.ValueType{i32})
	def(abi.ImportKVDelete, e.hostKVDelete, []api.ValueType{i32, i32}, []api.ValueType{i32})
	def(abi.ImportHTTPSend, e.hostHTTPSend, []api.ValueType{i32, i32}, []api.ValueType{i64})
	def(abi.ImportHTTPRead, hostHTTPRead, []api.ValueType{i32, i32}, []api.ValueType{i32})
	def(abi.ImportNowMs, hostNowMs, nil, []api.ValueType{i64})
	_, err := b.Instantiate(ctx)
	return err
}

// read copies n bytes of guest memory at ptr, or reports false when the
// range is outside memory.
func read(m api.Module, ptr, n uint32) ([]byte, bool) {
	b, ok := m.Memory().Read(ptr, n)
	if !ok {
		return nil, false
	}
	return slices.Clone(b), true
}

// give implements the caller-buffer convention: copy v into the guest's
// buffer when it fits, and return its length either way.
func give(m api.Module, buf, limit uint32, v []byte) int64 {
	if uint32(len(v)) <= limit && !m.Memory().Write(buf, v) {
		return abi.StatusInvalid
	}
	return int64(len(v))
}

func (e *Engine) hostLog(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	level, ptr, n := int32(stack[0]), uint32(stack[1]), uint32(stack[2])
	if st == nil {
		return
	}
	n = min(n, uint32(st.lim.LogBytes)) // never copy more than a call may log
	msg, ok := m.Memory().Read(ptr, n)
	if !ok {
		return
	}
	st.logLine(slog.Level(level), string(msg), false)
}

func hostLogEnabled(ctx context.Context, _ api.Module, stack []uint64) {
	st := stateOf(ctx)
	on := st != nil && st.logLines < st.lim.LogLines && st.logBytes < st.lim.LogBytes
	stack[0] = api.EncodeI32(boolI32(on))
}

func boolI32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

func hostConfigGet(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	if st == nil {
		stack[0] = api.EncodeI32(abi.StatusDenied)
		return
	}
	stack[0] = api.EncodeI32(int32(give(m, uint32(stack[0]), uint32(stack[1]), st.p.inst.Config)))
}

func hostSecretGet(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	name, ok := read(m, uint32(stack[0]), min(uint32(stack[1]), maxKeyLen))
	switch {
	case st == nil:
		stack[0] = api.EncodeI64(abi.StatusDenied)
	case !ok:
		stack[0] = api.EncodeI64(abi.StatusInvalid)
	case !slices.Contains(st.p.inst.SecretNames, string(name)):
		stack[0] = api.EncodeI64(int64(st.deny(abi.StatusDenied, "secret %q denied: the manifest does not declare it", name)))
	default:
		v, set := st.p.inst.Secrets[string(name)]
		if !set {
			stack[0] = api.EncodeI64(abi.StatusNotFound)
			return
		}
		stack[0] = api.EncodeI64(give(m, uint32(stack[2]), uint32(stack[3]), []byte(v)))
	}
}

// kvKey reads and checks a key, and counts the operation against the call.
func kvKey(st *callState, m api.Module, ptr, n uint32, write bool) (string, int32) {
	if st == nil {
		return "", abi.StatusDenied
	}
	if write && !st.lim.KVWrite {
		return "", st.deny(abi.StatusDenied, "kv write denied: the %s hook has a read-only store", st.hook)
	}
	if st.kvOps >= st.lim.KVOps {
		return "", st.deny(abi.StatusLimit, "kv operation limit of %d per call reached", st.lim.KVOps)
	}
	st.kvOps++
	if n == 0 || n > maxKeyLen {
		return "", abi.StatusInvalid
	}
	key, ok := read(m, ptr, n)
	if !ok {
		return "", abi.StatusInvalid
	}
	return string(key), abi.StatusOK
}

func kvStatus(err error) int32 {
	switch {
	case err == nil:
		return abi.StatusOK
	case errors.Is(err, hosts.ErrKeyNotFound):
		return abi.StatusNotFound
	}
	return abi.StatusFailed
}

func (e *Engine) hostKVGet(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	key, status := kvKey(st, m, uint32(stack[0]), uint32(stack[1]), false)
	if status != abi.StatusOK {
		stack[0] = api.EncodeI64(int64(status))
		return
	}
	v, err := e.cfg.KV.Get(ctx, st.p.inst.Tenant, st.p.inst.PluginID, key)
	if err != nil {
		stack[0] = api.EncodeI64(int64(kvStatus(err)))
		return
	}
	stack[0] = api.EncodeI64(give(m, uint32(stack[2]), uint32(stack[3]), v))
}

func (e *Engine) hostKVSet(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	key, status := kvKey(st, m, uint32(stack[0]), uint32(stack[1]), true)
	if status != abi.StatusOK {
		stack[0] = api.EncodeI32(status)
		return
	}
	if uint32(stack[3]) > maxValueLen {
		stack[0] = api.EncodeI32(st.deny(abi.StatusLimit, "kv value of %d bytes exceeds %d", uint32(stack[3]), maxValueLen))
		return
	}
	val, ok := read(m, uint32(stack[2]), uint32(stack[3]))
	if !ok {
		stack[0] = api.EncodeI32(abi.StatusInvalid)
		return
	}
	ttl := time.Duration(max(api.DecodeI32(stack[4]), 0)) * time.Second
	stack[0] = api.EncodeI32(kvStatus(e.cfg.KV.Put(ctx, st.p.inst.Tenant, st.p.inst.PluginID, key, val, ttl)))
}

func (e *Engine) hostKVDelete(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	key, status := kvKey(st, m, uint32(stack[0]), uint32(stack[1]), true)
	if status != abi.StatusOK {
		stack[0] = api.EncodeI32(status)
		return
	}
	stack[0] = api.EncodeI32(kvStatus(e.cfg.KV.Delete(ctx, st.p.inst.Tenant, st.p.inst.PluginID, key)))
}

func hostHTTPRead(ctx context.Context, m api.Module, stack []uint64) {
	st := stateOf(ctx)
	if st == nil || st.pending == nil {
		stack[0] = api.EncodeI32(abi.StatusNotFound)
		return
	}
	n := give(m, uint32(stack[0]), uint32(stack[1]), st.pending)
	if n == int64(len(st.pending)) && uint32(n) <= uint32(stack[1]) {
		st.pending = nil
	}
	stack[0] = api.EncodeI32(int32(n))
}

func hostNowMs(_ context.Context, _ api.Module, stack []uint64) {
	stack[0] = api.EncodeI64(time.Now().UnixMilli())
}
