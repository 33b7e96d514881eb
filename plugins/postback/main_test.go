package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/affcore/affcore/hosts/wasm/wasmtest"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/postback/format"
)

// signedJSON is a signed JSON postback, the richest request the plugin makes.
func signedJSON() hook.PostbackInput {
	return hook.PostbackInput{
		Event: hook.PostbackEvent{IdempotencyID: "pbd_2", Macros: []hook.Header{
			{Name: "click_id", Value: "clk_2"}, {Name: "payout", Value: "1.25"}, {Name: "status", Value: "approved"}}},
		Settings:  hook.PostbackSettings{URLTemplate: "https://t.example/pb/{click_id}", Method: "POST", Format: "json", Secret: "s3cret"},
		Timestamp: 1_700_000_100,
	}
}

// TestFormat_MacroURLAndSignature formats a partner postback from the hook's
// input: macro values URL-encoded into the template, the idempotency header,
// and a signature that a receiver can verify with the shared secret.
func TestFormat_MacroURLAndSignature(t *testing.T) {
	in := hook.PostbackInput{
		Event: hook.PostbackEvent{IdempotencyID: "pbd_1", Macros: []hook.Header{
			{Name: "click_id", Value: "clk_1"}, {Name: "payout", Value: "4.50"}, {Name: "sub1", Value: "fb ads&x=1"}}},
		Settings:  hook.PostbackSettings{URLTemplate: "https://t.example/pb?cid={click_id}&p={payout}&s={sub1}", Method: "GET", Secret: "k3y"},
		Timestamp: 1_700_000_000,
	}
	r, err := Format(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "GET" || r.URL != "https://t.example/pb?cid=clk_1&p=4.50&s=fb+ads%26x%3D1" {
		t.Fatalf("request %s %s", r.Method, r.URL)
	}
	headers := map[string]string{}
	for _, h := range r.Headers {
		headers[h.Name] = h.Value
	}
	if headers[format.IdempotencyHeader] != "pbd_1" || headers[format.TimestampHeader] != "1700000000" {
		t.Fatalf("headers %v", headers)
	}
	u, _ := url.Parse(r.URL)
	err = format.Verify([]byte("k3y"), headers[format.SignatureHeader], headers[format.TimestampHeader], r.Method, u.RequestURI(),
		r.Body, time.Unix(1_700_000_000, 0), time.Minute)
	if err != nil {
		t.Fatalf("a receiver cannot verify the signature: %v (headers %v)", err, headers)
	}
}

// TestFormat_BadTemplate refuses a template whose host is a macro.
func TestFormat_BadTemplate(t *testing.T) {
	_, err := Format(hook.PostbackInput{Settings: hook.PostbackSettings{URLTemplate: "https://{sub1}/pb", Method: "GET"}})
	if err == nil {
		t.Fatal("a macro in the host was accepted")
	}
}

// TestFormat_Wasm runs the built plugin under the production host: the same
// request as natively, byte for byte.
func TestFormat_Wasm(t *testing.T) {
	p, _ := wasmtest.Load(t, "plugins/postback", wasmtest.Options{PluginID: "affcore.postback-format",
		Hooks: []string{abi.HookPostbackFormat}, Limits: wasmtest.Patient})
	want, err := Format(signedJSON())
	if err != nil {
		t.Fatal(err)
	}
	got, err := wasmtest.Call[hook.HTTPRequest](context.Background(), p, abi.HookPostbackFormat, signedJSON())
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("wasm: %+v %v\nnative: %+v", got, err, want)
	}
	if string(got.Body) != `{"click_id":"clk_2","payout":"1.25","status":"approved"}` {
		t.Errorf("json body %s", got.Body)
	}
}

// TestManifestVersion keeps the in-process build and the bundle in step.
func TestManifestVersion(t *testing.T) {
	b, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(b, &m); err != nil || m.Version != format.Version {
		t.Fatalf("manifest version %q, format.Version %q (%v)", m.Version, format.Version, err)
	}
}
