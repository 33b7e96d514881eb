package abi

import (
	"errors"

	"github.com/affcore/affcore/pdk/go/wire"
)

// EnvelopeVersion is the "v" of every envelope of ABI v1.
const EnvelopeVersion = 1

// Error codes a plugin (or the PDK on its behalf) puts in an error envelope.
// The host adds its own (Host*) when a call fails outside the guest.
const (
	CodeInvalidInput   = "invalid_input"   // the input did not decode or failed the plugin's checks
	CodeInvalidConfig  = "invalid_config"  // the installation's config is unusable
	CodeNotImplemented = "not_implemented" // the plugin does not serve this hook or operation
	CodePanic          = "panic"           // the plugin panicked; the PDK recovered
	CodeUnavailable    = "unavailable"     // a remote service is down; retryable
	CodeRejected       = "rejected"        // the remote service refused the request for good
	CodeInternal       = "internal"        // any other plugin failure

	HostTimeout     = "timeout" // the call passed its deadline; the instance was discarded
	HostTrap        = "trap"    // the guest trapped (e.g. out of memory, stack overflow)
	HostOutputLimit = "output_too_large"
	HostInputLimit  = "input_too_large"
	HostBadEnvelope = "bad_envelope"     // the guest returned bytes that are not an envelope
	HostCircuitOpen = "circuit_open"     // too many recent failures; calls are refused for a while
	HostNoPlugin    = "no_plugin"        // nothing installed for this hook
	HostUnavailable = "host_unavailable" // a remote host did not answer
	HostLoadFailed  = "load_failed"      // compile, link or init failed
	HostBusy        = "busy"             // every pooled instance is busy and the queue timed out
)

// Error is the error part of an envelope.
type Error struct {
	Code      string
	Message   string
	Retryable bool
}

// Envelope is what every hook returns: ok with a result, or an error.
type Envelope struct {
	OK     bool
	Result []byte // the hook result, already MessagePack-encoded
	Err    Error
}

// AppendOK appends an ok envelope around an encoded result.
func AppendOK(b, result []byte) []byte {
	b = wire.AppendMapHeader(b, 3)
	b = wire.AppendInt(wire.AppendString(b, "v"), EnvelopeVersion)
	b = wire.AppendBool(wire.AppendString(b, "ok"), true)
	b = wire.AppendString(b, "result")
	if len(result) == 0 {
		return wire.AppendNil(b)
	}
	return append(b, result...)
}

// AppendError appends an error envelope.
func AppendError(b []byte, e Error) []byte {
	b = wire.AppendMapHeader(b, 3)
	b = wire.AppendInt(wire.AppendString(b, "v"), EnvelopeVersion)
	b = wire.AppendBool(wire.AppendString(b, "ok"), false)
	b = wire.AppendMapHeader(wire.AppendString(b, "error"), 3)
	b = wire.AppendString(wire.AppendString(b, "code"), e.Code)
	b = wire.AppendString(wire.AppendString(b, "message"), e.Message)
	return wire.AppendBool(wire.AppendString(b, "retryable"), e.Retryable)
}

var errVersion = errors.New("abi: unsupported envelope version")

// DecodeEnvelope decodes an envelope. Result aliases b.
func DecodeEnvelope(b []byte) (Envelope, error) {
	var e Envelope
	r := wire.NewReader(b)
	version := int64(0)
	for n := r.MapHeader(); n > 0; n-- {
		switch string(r.Key()) {
		case "v":
			version = r.Int()
		case "ok":
			e.OK = r.Bool()
		case "result":
			e.Result = r.Raw()
		case "error":
			e.Err = decodeError(r)
		default:
			r.Skip()
		}
	}
	if err := r.Done(); err != nil {
		return e, err
	}
	if version != EnvelopeVersion {
		return e, errVersion
	}
	if !e.OK && e.Err.Code == "" {
		e.Err.Code = CodeInternal
	}
	return e, nil
}

func decodeError(r *wire.Reader) Error {
	var e Error
	for n := r.MapHeader(); n > 0; n-- {
		switch string(r.Key()) {
		case "code":
			e.Code = r.String()
		case "message":
			e.Message = r.String()
		case "retryable":
			e.Retryable = r.Bool()
		default:
			r.Skip()
		}
	}
	return e
}

// AppendOKHeader appends the start of an ok envelope; the caller appends the
// encoded result right after it (no intermediate copy).
func AppendOKHeader(b []byte) []byte {
	b = wire.AppendMapHeader(b, 3)
	b = wire.AppendInt(wire.AppendString(b, "v"), EnvelopeVersion)
	b = wire.AppendBool(wire.AppendString(b, "ok"), true)
	return wire.AppendString(b, "result")
}
