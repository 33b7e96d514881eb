// Package inproc runs Go functions as plugins behind the same hosts.Plugin
// interface as WebAssembly plugins: for tests, and for first-party logic
// that runs in process. Inputs and outputs still cross as hook contract
// bytes, so an in-process plugin behaves exactly like its Wasm twin
// (including its errors); panics are recovered into a "panic" CallError.
// A Go function cannot be preempted: in-process plugins must be trusted.
package inproc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// Handler serves one hook with encoded input and output.
type Handler func(ctx context.Context, inst hosts.Installation, in []byte) ([]byte, error)

// Typed adapts a typed hook function into a Handler.
func Typed[I any, PI interface {
	*I
	hook.Decoder
}, O hook.Encoder](fn func(ctx context.Context, inst hosts.Installation, in I) (O, error)) Handler {
	return func(ctx context.Context, inst hosts.Installation, in []byte) ([]byte, error) {
		var v I
		if err := PI(&v).UnmarshalMsg(in); err != nil {
			return nil, &hosts.CallError{Code: abi.CodeInvalidInput, Message: err.Error()}
		}
		out, err := fn(ctx, inst, v)
		if err != nil {
			return nil, err
		}
		return out.AppendMsg(nil), nil
	}
}

// Plugin is a set of hook handlers.
type Plugin map[string]Handler

// Factory builds a Plugin for one installation (from its config).
type Factory func(inst hosts.Installation) (Plugin, error)

// Loader serves installations whose plugin id (and version, when one was
// registered) it has a Factory for.
type Loader struct {
	mu      sync.RWMutex
	plugins map[string]registration
}

type registration struct {
	version string // "" = any version
	factory Factory
}

// NewLoader returns an empty Loader.
func NewLoader() *Loader { return &Loader{plugins: map[string]registration{}} }

// Register makes plugin id available for every version (explicit wiring, no init()).
func (l *Loader) Register(id string, p Plugin) {
	l.RegisterFactory(id, "", func(hosts.Installation) (Plugin, error) { return p, nil })
}

// RegisterFactory makes version of plugin id available ("" = every version).
func (l *Loader) RegisterFactory(id, version string, f Factory) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.plugins[id] = registration{version: version, factory: f}
}

// Serves implements hosts.Server.
func (l *Loader) Serves(inst hosts.Installation) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	r, ok := l.plugins[inst.PluginID]
	return ok && (r.version == "" || r.version == inst.Version)
}

// Load implements hosts.Loader.
func (l *Loader) Load(_ context.Context, inst hosts.Installation) (hosts.Plugin, error) {
	if !l.Serves(inst) {
		return nil, fmt.Errorf("no in-process plugin %q version %q", inst.PluginID, inst.Version)
	}
	l.mu.RLock()
	r := l.plugins[inst.PluginID]
	l.mu.RUnlock()
	p, err := r.factory(inst)
	if err != nil {
		return nil, &hosts.CallError{Code: abi.CodeInvalidConfig, Message: err.Error(), Host: true}
	}
	return &loaded{p: p, inst: inst}, nil
}

type loaded struct {
	p    Plugin
	inst hosts.Installation
}

// Call implements hosts.Plugin.
func (l *loaded) Call(ctx context.Context, name string, in []byte) (out []byte, err error) {
	h, ok := l.p[name]
	if !ok {
		return nil, &hosts.CallError{Code: abi.CodeNotImplemented, Message: "plugin does not serve " + name}
	}
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &hosts.CallError{Code: abi.CodePanic, Message: fmt.Sprint(v)}
		}
	}()
	out, err = h(ctx, l.inst, in)
	if err != nil {
		var ce *hosts.CallError
		if !errors.As(err, &ce) {
			err = &hosts.CallError{Code: abi.CodeInternal, Message: err.Error()}
		}
	}
	return out, err
}

// Close implements hosts.Plugin.
func (l *loaded) Close(context.Context) error { return nil }

// Interface guards.
var (
	_ hosts.Server = (*Loader)(nil)
	_ hosts.Plugin = (*loaded)(nil)
)
