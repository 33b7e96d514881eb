package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/core"
)

func TestNewID(t *testing.T) {
	at := time.Date(2026, 11, 21, 10, 0, 0, 123e6, time.UTC)
	a, b := core.NewIDAt("clk", at), core.NewIDAt("clk", at.Add(time.Millisecond))
	if !strings.HasPrefix(a, "clk_") || len(a) != 30 {
		t.Fatalf("id %q: want clk_ + 26 chars", a)
	}
	if a >= b {
		t.Errorf("ids not time-ordered: %s >= %s", a, b)
	}
	if got, ok := core.IDTime(a); !ok || !got.Equal(at) {
		t.Errorf("IDTime(%s) = %v, %v; want %v", a, got, ok, at)
	}
	seen := map[string]bool{}
	for range 10000 {
		id := core.NewIDAt("x", at)
		if seen[id] {
			t.Fatalf("duplicate id %s", id)
		}
		seen[id] = true
	}
	if _, ok := core.IDTime("nope"); ok {
		t.Error("IDTime accepted a foreign string")
	}
}

func TestErrors(t *testing.T) {
	var v core.Validator
	v.Check(false, "email", "must be an email address")
	v.Check(true, "name", "unused")
	v.Add("password", "too short")
	err := v.Err()
	if core.KindOf(err) != core.KindInvalid || len(core.FieldsOf(err)) != 2 {
		t.Fatalf("validator error: kind %v fields %v", core.KindOf(err), core.FieldsOf(err))
	}
	wrapped := errors.Join(errors.New("other"), core.Errorf(core.KindNotFound, "offer not found"))
	if core.KindOf(wrapped) != core.KindNotFound || core.MessageOf(wrapped) != "offer not found" {
		t.Errorf("wrapped: kind %v message %q", core.KindOf(wrapped), core.MessageOf(wrapped))
	}
	internal := core.Wrap(core.KindInternal, errors.New("pg: secret detail"), "boom")
	if core.MessageOf(internal) != "internal error" || core.MessageOf(errors.New("x")) != "internal error" {
		t.Error("internal error message leaked detail")
	}
}
