package pdk_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/pdk/go/pdktest"
)

func TestCall_ResultErrorAndPanic(t *testing.T) {
	h := pdktest.New(t)
	ok := func(in hook.ClickInput) (hook.ClickScore, error) {
		return hook.ClickScore{Score: in.BuiltinScore - 5, Reasons: []string{"seen"}}, nil
	}
	got, err := pdktest.Call(h, ok, hook.ClickInput{BuiltinScore: 90})
	if err != nil || got.Score != 85 || got.Reasons[0] != "seen" {
		t.Fatalf("got %+v, %v", got, err)
	}

	retry := func(hook.PayoutInput) (hook.PayoutResult, error) {
		return hook.PayoutResult{}, pdk.Retry("exchange down")
	}
	_, err = pdktest.Call(h, retry, hook.PayoutInput{})
	var pe *pdk.Error
	if !errors.As(err, &pe) || pe.Code != abi.CodeUnavailable || !pe.Retryable {
		t.Fatalf("retryable error: %v", err)
	}

	boom := func(hook.CommissionInput) (hook.CommissionResult, error) { panic("nil map write") }
	_, err = pdktest.Call(h, boom, hook.CommissionInput{})
	if !errors.As(err, &pe) || pe.Code != abi.CodePanic || !strings.Contains(pe.Message, "nil map write") {
		t.Fatalf("panic: %v", err)
	}

	plain := func(hook.SpendInput) (hook.SpendResult, error) { return hook.SpendResult{}, errors.New("oops") }
	_, err = pdktest.Call(h, plain, hook.SpendInput{})
	if !errors.As(err, &pe) || pe.Code != abi.CodeInternal || pe.Retryable {
		t.Fatalf("plain error: %v", err)
	}
}

func TestCall_InvalidInput(t *testing.T) {
	env := pdk.Call[hook.ClickInput](append([]byte{0x81, 0xa2}, 'i'), nil, func(hook.ClickInput) (hook.ClickScore, error) {
		t.Fatal("handler called on garbage")
		return hook.ClickScore{}, nil
	})
	e, err := abi.DecodeEnvelope(env)
	if err != nil || e.OK || e.Err.Code != abi.CodeInvalidInput {
		t.Fatalf("envelope %+v, %v", e, err)
	}
}

func TestHostServices(t *testing.T) {
	h := pdktest.New(t)
	h.ConfigJSON = `{"threshold": 7}`
	h.Secrets = map[string]string{"api_key": "k1", "other": "x"}
	h.Declared = []string{"api_key"}
	h.Clock = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	h.HTTP = func(r hook.HTTPRequest) (hook.HTTPResponse, error) {
		return hook.HTTPResponse{Status: 200, Body: []byte("pong " + r.URL)}, nil
	}
	var cfg struct{ Threshold int }
	if err := pdk.ConfigJSON(&cfg); err != nil || cfg.Threshold != 7 {
		t.Fatalf("config %+v %v", cfg, err)
	}
	if s, err := pdk.Secret("api_key"); err != nil || s != "k1" {
		t.Fatalf("secret %q %v", s, err)
	}
	if _, err := pdk.Secret("other"); !errors.Is(err, pdk.ErrDenied) {
		t.Fatalf("undeclared secret: %v", err)
	}
	if err := pdk.KVSet("k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := pdk.KVGet("k"); err != nil || !ok || string(v) != "v" {
		t.Fatalf("kv %q %v %v", v, ok, err)
	}
	if _, ok, _ := pdk.KVGet("missing"); ok {
		t.Fatal("missing key found")
	}
	res, err := pdk.HTTP(hook.HTTPRequest{Method: "GET", URL: "https://api.example.com/ping"})
	if err != nil || res.Status != 200 || string(res.Body) != "pong https://api.example.com/ping" {
		t.Fatalf("http %+v %v", res, err)
	}
	if !pdk.Now().Equal(h.Clock) {
		t.Fatalf("now %v", pdk.Now())
	}
	pdk.Logf(pdk.LevelInfo, "n=%d", 3)
	if !strings.Contains(h.LogText(), "n=3") {
		t.Fatalf("logs %q", h.LogText())
	}
}

func TestInit(t *testing.T) {
	h := pdktest.New(t)
	h.ConfigJSON = `{"rate": "x"}`
	err := pdktest.Init(h, func(cfg []byte) error {
		var c struct{ Rate float64 }
		return pdk.ConfigJSON(&c)
	})
	if err == nil || !strings.Contains(err.Error(), "invalid_config") {
		t.Fatalf("init: %v", err)
	}
}
