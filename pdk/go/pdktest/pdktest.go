// Package pdktest runs a plugin's hook functions natively, through the same
// decode → call → envelope → decode path as under WebAssembly, against a
// fake host whose config, secrets, key-value store, HTTP and clock the test
// controls. Authors unit-test plugin logic with it; hosts/wasm/wasmtest in
// the affcore module runs the built .wasm under the real host with the same
// fake services.
//
//	h := pdktest.New(t)
//	h.ConfigJSON = `{"bonus_percent": 10}`
//	res, err := pdktest.Call(h, Commission, hook.CommissionInput{...})
package pdktest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/pdk/go/internal/native"
)

// LogLine is one line a plugin logged.
type LogLine struct {
	Level   pdk.Level
	Message string
}

// Host is a fake affcore host. Zero values deny: no config, no secrets, no
// HTTP. Fields may be set before or between calls.
type Host struct {
	// ConfigJSON is the installation config the plugin reads.
	ConfigJSON string
	// Secrets are the secrets the tenant set; Declared, when non-nil, lists
	// the names the manifest declares (others are denied, as in the host).
	Secrets  map[string]string
	Declared []string
	// KV is the plugin's key-value store.
	KV map[string][]byte
	// HTTP answers outgoing requests; nil denies them (as for hooks that
	// have no network).
	HTTP func(hook.HTTPRequest) (hook.HTTPResponse, error)
	// Clock is the time Now returns; zero means the real clock.
	Clock time.Time

	mu       sync.Mutex
	logs     []LogLine
	requests []hook.HTTPRequest
}

// New returns a fake host installed for the duration of the test.
func New(t testing.TB) *Host {
	h := &Host{KV: map[string][]byte{}}
	prev := native.Current
	native.Current = h
	t.Cleanup(func() { native.Current = prev })
	return h
}

// Logs returns the lines logged so far.
func (h *Host) Logs() []LogLine {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]LogLine(nil), h.logs...)
}

// LogText returns the logged messages joined by newlines.
func (h *Host) LogText() string {
	var sb strings.Builder
	for _, l := range h.Logs() {
		sb.WriteString(l.Message)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// Requests returns the HTTP requests the plugin sent.
func (h *Host) Requests() []hook.HTTPRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hook.HTTPRequest(nil), h.requests...)
}

// Call runs fn on in the way the host would: in is encoded, decoded by the
// PDK, fn's result or error is put in an envelope, and the envelope is
// decoded again. A plugin error comes back as a *pdk.Error.
func Call[I hook.Encoder, PI interface {
	*I
	hook.Decoder
}, O any, PO interface {
	*O
	hook.Decoder
	hook.Encoder
}](h *Host, fn func(I) (O, error), in I) (O, error) {
	var out O
	env := pdk.Call[I, PI](in.AppendMsg(nil), nil, func(v I) (PO, error) {
		o, err := fn(v)
		return &o, err
	})
	e, err := abi.DecodeEnvelope(env)
	if err != nil {
		return out, fmt.Errorf("pdktest: bad envelope: %w", err)
	}
	if !e.OK {
		return out, &pdk.Error{Code: e.Err.Code, Message: e.Err.Message, Retryable: e.Err.Retryable}
	}
	if err := PO(&out).UnmarshalMsg(e.Result); err != nil {
		return out, fmt.Errorf("pdktest: decode result: %w", err)
	}
	return out, nil
}

// Init runs a plugin's setup function with the host's config, as the
// affcore_init export does, and reports a refusal as an error.
func Init(h *Host, setup func(config []byte) error) error {
	if st := pdk.Init(setup); st != 0 {
		return fmt.Errorf("pdktest: init refused (status %d): %s", st, h.LogText())
	}
	return nil
}

// JSON renders a hook value as JSON, for debugging and golden files.
func JSON(v hook.Encoder) string {
	b, err := hook.JSON(v.AppendMsg(nil))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}
