package pdk

import (
	"errors"
	"fmt"

	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// Error is a hook failure with an ABI error code. Return one from a hook to
// choose the code and whether the core should retry; any other error is
// reported as "internal" and not retried.
type Error struct {
	Code      string
	Message   string
	Retryable bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Fail returns a non-retryable *Error with the given code.
func Fail(code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Retry returns a retryable "unavailable" error: the core calls again later
// (money hooks) with the same idempotency key.
func Retry(format string, args ...any) error {
	return &Error{Code: abi.CodeUnavailable, Message: fmt.Sprintf(format, args...), Retryable: true}
}

// maxMessage bounds error and panic messages in envelopes.
const maxMessage = 1024

func toABI(err error) abi.Error {
	var pe *Error
	if errors.As(err, &pe) {
		return abi.Error{Code: pe.Code, Message: clip(pe.Message), Retryable: pe.Retryable}
	}
	return abi.Error{Code: abi.CodeInternal, Message: clip(err.Error())}
}

func clip(s string) string {
	if len(s) > maxMessage {
		return s[:maxMessage] + "…"
	}
	return s
}

// Call decodes in, runs fn, and appends the envelope to out: the result, the
// error fn returned, or the panic it raised. pdktest uses it natively; the
// Wasm shim's Handler.Serve runs the same code.
func Call[I any, PI interface {
	*I
	hook.Decoder
}, O hook.Encoder](in, out []byte, fn func(I) (O, error)) []byte {
	return NewHandler[I, PI](fn).handle(in, out)
}

// Handler serves one hook for a plugin's export shim. It keeps the decoded
// input between calls, so a call allocates only for the input's strings
// (in one block) and what the hook itself allocates: allocation is the
// dominant cost of a Go guest.
type Handler[I any, PI interface {
	*I
	hook.Decoder
}, O hook.Encoder] struct {
	in I
	fn func(I) (O, error)
}

// NewHandler returns the Handler of a hook function. Declare one per hook
// as a package variable of the plugin's shim:
//
//	var commission = pdk.NewHandler(Commission)
//
//	//go:wasmexport hook_commission
//	func hookCommission(n uint32) uint64 { return commission.Serve(n) }
func NewHandler[I any, PI interface {
	*I
	hook.Decoder
}, O hook.Encoder](fn func(I) (O, error)) *Handler[I, PI, O] {
	return &Handler[I, PI, O]{fn: fn}
}

// handle decodes in into the handler's input and appends the envelope of
// the call to out.
func (h *Handler[I, PI, O]) handle(in, out []byte) (env []byte) {
	defer func() {
		if v := recover(); v != nil {
			env = abi.AppendError(out[:0], abi.Error{Code: abi.CodePanic, Message: clip(fmt.Sprint(v))})
		}
	}()
	var zero I
	h.in = zero
	if err := PI(&h.in).UnmarshalMsg(in); err != nil {
		return abi.AppendError(out, abi.Error{Code: abi.CodeInvalidInput, Message: clip(err.Error())})
	}
	res, err := h.fn(h.in)
	if err != nil {
		return abi.AppendError(out, toABI(err))
	}
	return res.AppendMsg(abi.AppendOKHeader(out))
}

// Init runs a plugin's setup with its configuration, for the plugin's
// affcore_init export:
//
//	//go:wasmexport affcore_init
//	func affcoreInit() int32 { return pdk.Init(setup) }
//
// A non-zero result tells the host that the configuration was refused; the
// reason goes to the plugin log.
func Init(setup func(config []byte) error) (status int32) {
	defer func() {
		if v := recover(); v != nil {
			Log(LevelError, clip(fmt.Sprint("init panicked: ", v)))
			status = 2
		}
	}()
	if err := setup(Config()); err != nil {
		Log(LevelError, clip("init: "+err.Error()))
		return 1
	}
	return 0
}
