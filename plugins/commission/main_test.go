package main

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/commission/model"
)

// cases are decisions with known answers (the engine, not the model,
// reverses amounts when a conversion leaves approved).
var cases = []struct {
	name   string
	terms  hook.Terms
	prev   string
	status string
	want   []hook.Amount
}{
	{"cpa approved", hook.Terms{Model: "cpa", Params: []byte(`{"amount":"7.50","currency":"USD"}`)}, "", "approved",
		[]hook.Amount{{Kind: "commission", Amount: "7.50", Currency: "USD"}}},
	{"tiered", hook.Terms{Model: "tiered", Params: []byte(`{"tiers":[{"from":"0","percent":"10"},{"from":"100","percent":"20"}]}`)}, "", "approved",
		[]hook.Amount{{Kind: "commission", Amount: "4.00", Currency: "USD"}}},
	{"revshare", hook.Terms{Model: "revshare", Params: []byte(`{"percent":"25"}`)}, "", "approved",
		[]hook.Amount{{Kind: "commission", Amount: "10.00", Currency: "USD"}}},
}

func input(terms hook.Terms, prev, status string) hook.CommissionInput {
	return hook.CommissionInput{Trigger: hook.TriggerConversion, Terms: terms,
		Conversion: hook.Conversion{ID: "cnv_1", Event: "sale", Status: status, PrevStatus: prev, Revenue: "40.00",
			Currency: "USD", PartnerID: "prt_1", OccurredAt: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
		History: hook.History{Currency: "USD", ApprovedRevenue: "0", CommissionSoFar: "0", CarriedOver: "0"}}
}

// amounts compares kinds, amounts and currencies (memos are prose).
func amounts(as []hook.Amount) []hook.Amount {
	out := make([]hook.Amount, 0, len(as))
	for _, a := range as {
		out = append(out, hook.Amount{Kind: a.Kind, Amount: a.Amount, Currency: a.Currency})
	}
	return out
}

func TestCommission_NativeAndWasm(t *testing.T) {
	p, _ := wasmtest.Load(t, "plugins/commission", wasmtest.Options{PluginID: "affcore.commission",
		Hooks: []string{abi.HookCommission}, Limits: wasmtest.Patient})
	for _, c := range cases {
		in := input(c.terms, c.prev, c.status)
		native, err := Commission(in)
		if err != nil || !reflect.DeepEqual(amounts(native.Amounts), c.want) {
			t.Errorf("%s native: %+v %v, want %+v", c.name, native, err, c.want)
		}
		got, err := wasmtest.Call[hook.CommissionResult](context.Background(), p, abi.HookCommission, in)
		if err != nil || !reflect.DeepEqual(got, native) {
			t.Errorf("%s wasm: %+v %v, native %+v", c.name, got, err, native)
		}
	}
}

// TestManifestVersion keeps the in-process build and the bundle in step.
func TestManifestVersion(t *testing.T) {
	b, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(b, &m); err != nil || m.Version != model.Version {
		t.Fatalf("manifest version %q, model.Version %q (%v)", m.Version, model.Version, err)
	}
}
