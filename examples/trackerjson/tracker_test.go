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
	"github.com/affcore/affcore/plugins/postback/format"
)

const config = `{"fields": {"clickid": "click_id", "sum": "payout", "sub": "sub1"}}`

func input() hook.PostbackInput {
	return hook.PostbackInput{
		Event: hook.PostbackEvent{IdempotencyID: "pbd_9", Macros: []hook.Header{{Name: "click_id", Value: "clk_9"},
			{Name: "payout", Value: "3.10"}, {Name: "sub1", Value: "fb"}, {Name: "status", Value: "approved"}}},
		Settings:  hook.PostbackSettings{URLTemplate: "https://tracker.example/pb?cid={click_id}", Method: "GET", Secret: "k"},
		Timestamp: 1_700_000_000,
	}
}

// check asserts the mapped JSON body, the expanded URL and a signature a
// receiver can verify.
func check(t *testing.T, r hook.HTTPRequest) {
	t.Helper()
	if r.Method != "POST" || r.URL != "https://tracker.example/pb?cid=clk_9" || string(r.Body) != `{"clickid":"clk_9","sub":"fb","sum":"3.10"}` {
		t.Fatalf("request %s %s %s", r.Method, r.URL, r.Body)
	}
	h := map[string]string{}
	for _, x := range r.Headers {
		h[x.Name] = x.Value
	}
	if h["Content-Type"] != "application/json" || h[format.IdempotencyHeader] != "pbd_9" {
		t.Fatalf("headers %v", h)
	}
	if err := format.Verify([]byte("k"), h[format.SignatureHeader], h[format.TimestampHeader], "POST", "/pb?cid=clk_9", r.Body,
		time.Unix(1_700_000_000, 0), time.Minute); err != nil {
		t.Fatalf("signature: %v", err)
	}
}

func TestTrackerJSON_Native(t *testing.T) {
	h := pdktest.New(t)
	h.ConfigJSON = config
	if err := pdktest.Init(h, setup); err != nil {
		t.Fatal(err)
	}
	r, err := pdktest.Call(h, Format, input())
	if err != nil {
		t.Fatal(err)
	}
	check(t, r)
}

// TestTrackerJSON_Wasm: the same request from the plugin under the
// production host.
func TestTrackerJSON_Wasm(t *testing.T) {
	p, _ := wasmtest.Load(t, "examples/trackerjson", wasmtest.Options{PluginID: "example.tracker-json",
		Hooks: []string{abi.HookPostbackFormat}, Config: config, Limits: wasmtest.Patient})
	got, err := wasmtest.Call[hook.HTTPRequest](context.Background(), p, abi.HookPostbackFormat, input())
	if err != nil {
		t.Fatal(err)
	}
	check(t, got)
	if err := setup([]byte(config)); err != nil {
		t.Fatal(err)
	}
	native, _ := Format(input())
	if !reflect.DeepEqual(got, native) {
		t.Errorf("wasm %+v\nnative %+v", got, native)
	}
}
