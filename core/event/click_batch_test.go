package event_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/affcore/affcore/core/event"
)

func batchOf(t testing.TB, clicks ...event.Click) []byte {
	t.Helper()
	var b event.ClickBatch
	for _, c := range clicks {
		enc, err := c.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		b.Add(enc)
	}
	return b.Bytes()
}

func TestClickBatch_RoundTrip(t *testing.T) {
	a, b := sampleClick(), sampleClick()
	b.ID, b.Subs[0] = "clk_02", "second"
	got, bad, err := event.DecodeClicks(batchOf(t, a, b))
	if err != nil || bad != 0 || !reflect.DeepEqual(got, []event.Click{a, b}) {
		t.Fatalf("batch: %+v, %d bad, %v", got, bad, err)
	}
}

// Messages of earlier releases (one click, binary or JSON) still decode.
func TestClickBatch_SingleClicks(t *testing.T) {
	c := sampleClick()
	bin, _ := c.AppendBinary(nil)
	js, _ := json.Marshal(c)
	for _, data := range [][]byte{bin, js} {
		got, bad, err := event.DecodeClicks(data)
		if err != nil || bad != 0 || len(got) != 1 || !reflect.DeepEqual(got[0], c) {
			t.Fatalf("single: %+v, %d, %v", got, bad, err)
		}
	}
}

// A corrupt click inside a batch is skipped and counted; a broken frame
// keeps the clicks before it and reports an error.
func TestClickBatch_Corrupt(t *testing.T) {
	c := sampleClick()
	var b event.ClickBatch
	enc, _ := c.AppendBinary(nil)
	b.Add(enc)
	b.Add([]byte{0xC1, 0x01, 0x05})
	b.Add(enc)
	got, bad, err := event.DecodeClicks(b.Bytes())
	if err != nil || bad != 1 || len(got) != 2 {
		t.Fatalf("inner corrupt: %d good, %d bad, %v", len(got), bad, err)
	}
	cut := b.Bytes()[:len(b.Bytes())-3]
	got, _, err = event.DecodeClicks(cut)
	if err == nil || len(got) != 1 {
		t.Fatalf("broken frame: %d good, %v", len(got), err)
	}
	if _, _, err := event.DecodeClicks([]byte{0xCB, 0x09}); err == nil {
		t.Fatal("unknown batch version decoded")
	}
}

// FuzzDecodeClicks: no input panics, and the clicks of any batch that
// decodes re-encode to a batch that decodes the same.
func FuzzDecodeClicks(f *testing.F) {
	f.Add(batchOf(f, sampleClick(), sampleClick()))
	f.Add([]byte{0xCB, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		clicks, _, err := event.DecodeClicks(data)
		if err != nil || len(clicks) == 0 || data[0] != 0xCB {
			return
		}
		again, bad, err := event.DecodeClicks(batchOf(t, clicks...))
		if err != nil || bad != 0 || !reflect.DeepEqual(clicks, again) {
			t.Fatalf("re-encode differs: %d bad, %v", bad, err)
		}
	})
}

func TestConversionOfMsgID(t *testing.T) {
	ev := event.Conversion{ConversionID: "cnv_01.x", Seq: 12}
	if got := event.ConversionOfMsgID(ev.MsgID()); got != "cnv_01.x" {
		t.Fatalf("ConversionOfMsgID(%q) = %q", ev.MsgID(), got)
	}
	if got := event.ConversionOfMsgID("plain"); got != "plain" {
		t.Fatalf("no dot: %q", got)
	}
}
