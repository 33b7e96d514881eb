package hosts

import (
	"context"
	"errors"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

// ClickScorer scores a click for a tenant within the click deadline. It
// never fails: without a plugin, or when the plugins fail or are late, the
// built-in score in the facts stands (with a plugin_unavailable reason in the
// second case). The click path depends on this interface only.
type ClickScorer interface {
	ScoreClick(ctx context.Context, tenant core.TenantID, facts hook.ClickInput) hook.ClickScore
}

// HookChecker is a Caller that can tell cheaply whether a tenant has any
// enabled plugin for a hook, so callers on hot paths skip the call.
type HookChecker interface {
	HasHook(ctx context.Context, tenant core.TenantID, hook string) bool
}

// Hooks is the typed entry point of the core into plugins: one method per
// hook, each encoding the contract, calling through a Caller (in process or
// a remote host), and decoding the answer. Money hooks fail closed: they
// return the error (errors.Is(err, ErrNoPlugin) when nothing is installed,
// so the caller can use its built-in logic; Retryable(err) says whether to
// retry through the bus).
type Hooks struct {
	caller Caller
	// ClickDeadline bounds a whole click-scoring call, plugin chain included.
	ClickDeadline time.Duration
}

// NewHooks returns Hooks over a Caller.
func NewHooks(c Caller) *Hooks {
	return &Hooks{caller: c, ClickDeadline: 2 * DefaultLimits(ClassClick).Timeout}
}

// ClickActive reports whether tenant has a click-scoring plugin; without one
// the click path keeps its built-in score and makes no call at all.
func (h *Hooks) ClickActive(ctx context.Context, tenant core.TenantID) bool {
	return h.Active(ctx, tenant, abi.HookClickScore)
}

// Active reports whether tenant may have an enabled plugin for hook (true
// when the caller cannot tell cheaply: a call then answers ErrNoPlugin).
func (h *Hooks) Active(ctx context.Context, tenant core.TenantID, hook string) bool {
	hc, ok := h.caller.(HookChecker)
	return !ok || hc.HasHook(ctx, tenant, hook)
}

// ScoreClick implements ClickScorer.
func (h *Hooks) ScoreClick(ctx context.Context, tenant core.TenantID, facts hook.ClickInput) hook.ClickScore {
	builtin := hook.ClickScore{Score: facts.BuiltinScore, Reasons: facts.BuiltinReasons}
	ctx, cancel := context.WithTimeout(ctx, h.ClickDeadline)
	defer cancel()
	s, err := call[hook.ClickScore](ctx, h.caller, tenant, abi.HookClickScore, facts)
	if errors.Is(err, ErrNoPlugin) {
		return builtin
	}
	if err != nil {
		builtin.Reasons = append(append([]string(nil), builtin.Reasons...), ReasonPluginUnavailable)
		return builtin
	}
	return Clamp(s)
}

// Commission runs the tenant's commission model.
func (h *Hooks) Commission(ctx context.Context, tenant core.TenantID, in hook.CommissionInput) (hook.CommissionResult, error) {
	return call[hook.CommissionResult](ctx, h.caller, tenant, abi.HookCommission, in)
}

// FormatPostback builds the HTTP request of an outgoing partner postback.
func (h *Hooks) FormatPostback(ctx context.Context, tenant core.TenantID, in hook.PostbackInput) (hook.HTTPRequest, error) {
	return call[hook.HTTPRequest](ctx, h.caller, tenant, abi.HookPostbackFormat, in)
}

// DeliverCAPI forwards a conversion to the tenant's CAPI destination.
func (h *Hooks) DeliverCAPI(ctx context.Context, tenant core.TenantID, in hook.CAPIInput) (hook.CAPIResult, error) {
	return call[hook.CAPIResult](ctx, h.caller, tenant, abi.HookCAPIDeliver, in)
}

// Payout sends a payout through the tenant's payout rail.
func (h *Hooks) Payout(ctx context.Context, tenant core.TenantID, in hook.PayoutInput) (hook.PayoutResult, error) {
	return call[hook.PayoutResult](ctx, h.caller, tenant, abi.HookPayout, in)
}

// PayoutStatus asks the payout rail for a payout's status.
func (h *Hooks) PayoutStatus(ctx context.Context, tenant core.TenantID, in hook.PayoutStatusInput) (hook.PayoutResult, error) {
	return call[hook.PayoutResult](ctx, h.caller, tenant, abi.HookPayoutStatus, in)
}

// SpendSync pulls one page of ad spend.
func (h *Hooks) SpendSync(ctx context.Context, tenant core.TenantID, in hook.SpendInput) (hook.SpendResult, error) {
	return call[hook.SpendResult](ctx, h.caller, tenant, abi.HookSpendSync, in)
}

// Retryable reports whether a failed hook call may succeed later (timeouts,
// a plugin or remote service that is down, an open circuit).
func Retryable(err error) bool {
	var ce *CallError
	return errors.As(err, &ce) && ce.Retryable
}

func call[O any, PO interface {
	*O
	hook.Decoder
}](ctx context.Context, c Caller, tenant core.TenantID, name string, in hook.Encoder) (O, error) {
	var out O
	b, err := c.Call(ctx, tenant, name, in.AppendMsg(nil))
	if err != nil {
		return out, err
	}
	if err := PO(&out).UnmarshalMsg(b); err != nil {
		return out, &CallError{Code: abi.HostBadEnvelope, Message: "result does not decode: " + err.Error(), Host: true}
	}
	return out, nil
}

// Interface guards.
var (
	_ ClickScorer = (*Hooks)(nil)
	_ Caller      = (*Dispatcher)(nil)
)
