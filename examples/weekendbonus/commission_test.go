package main

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/pdk/go/pdktest"
)

var (
	friday   = time.Date(2025, 3, 7, 22, 30, 0, 0, time.UTC) // Saturday 00:30 in +02:00
	saturday = time.Date(2025, 3, 8, 12, 0, 0, 0, time.UTC)
)

func conversion(prev, status string, at time.Time) hook.CommissionInput {
	return hook.CommissionInput{Trigger: hook.TriggerConversion,
		Conversion: hook.Conversion{ID: "cnv_1", Status: status, PrevStatus: prev, Revenue: "120.00", Currency: "EUR", OccurredAt: at},
		Terms:      hook.Terms{Model: "revshare", Params: []byte(`{"percent": "12.5"}`)}}
}

var cases = []struct {
	name   string
	config string
	in     hook.CommissionInput
	want   []hook.Amount
}{
	{"weekday approval", `{}`, conversion("pending", "approved", friday),
		[]hook.Amount{{Kind: "commission", Amount: "15", Currency: "EUR", Memo: "commission"}}},
	{"weekend approval", `{}`, conversion("pending", "approved", saturday), []hook.Amount{
		{Kind: "commission", Amount: "15", Currency: "EUR", Memo: "commission"},
		{Kind: "bonus", Amount: "3", Currency: "EUR", Memo: "weekend bonus 20%"}}},
	{"weekend in the advertiser's timezone", `{"bonus_percent": "10", "timezone": "+02:00"}`, conversion("pending", "approved", friday), []hook.Amount{
		{Kind: "commission", Amount: "15", Currency: "EUR", Memo: "commission"},
		{Kind: "bonus", Amount: "1.5", Currency: "EUR", Memo: "weekend bonus 10%"}}},
	{"rejection after approval reverses", `{}`, conversion("approved", "rejected", saturday), []hook.Amount{
		{Kind: "commission", Amount: "-15", Currency: "EUR", Memo: "reversal of commission"},
		{Kind: "bonus", Amount: "-3", Currency: "EUR", Memo: "reversal of weekend bonus 20%"}}},
	{"pending earns nothing yet", `{}`, conversion("", "pending", saturday), []hook.Amount{}},
}

func TestCommission_Native(t *testing.T) {
	for _, c := range cases {
		h := pdktest.New(t)
		h.ConfigJSON = c.config
		if err := pdktest.Init(h, setup); err != nil {
			t.Fatal(err)
		}
		got, err := pdktest.Call(h, Commission, c.in)
		if err != nil || !equal(got.Amounts, c.want) {
			t.Errorf("%s: got %+v %v, want %+v", c.name, got.Amounts, err, c.want)
		}
	}
}

func TestCommission_BadTerms(t *testing.T) {
	h := pdktest.New(t)
	in := conversion("pending", "approved", friday)
	in.Terms.Params = []byte(`{"percent": "ten"}`)
	if _, err := pdktest.Call(h, Commission, in); err == nil {
		t.Fatal("bad terms accepted")
	}
}

// TestCommission_Wasm runs the built plugin under the production host with
// each configuration: the same amounts as natively.
func TestCommission_Wasm(t *testing.T) {
	ctx := context.Background()
	engine := wasmtest.Engine(t, wasmtest.Options{Limits: wasmtest.Patient}, &wasmtest.Logs{})
	artifact := wasmtest.Build(t, "examples/weekendbonus")
	for _, c := range cases {
		o := wasmtest.Options{PluginID: "example.weekend-bonus", Hooks: []string{abi.HookCommission}, Config: c.config}
		p, err := engine.Load(ctx, wasmtest.Installation(o, artifact)) // compiled once, one instance per config
		if err != nil {
			t.Fatal(err)
		}
		got, err := wasmtest.Call[hook.CommissionResult](ctx, p, abi.HookCommission, c.in)
		_ = p.Close(ctx)
		if err != nil || !equal(got.Amounts, c.want) {
			t.Errorf("%s: got %+v %v, want %+v", c.name, got.Amounts, err, c.want)
		}
	}
}

func equal(a, b []hook.Amount) bool { return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b) }
