package wire

import (
	"bytes"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	ints := []int64{0, 1, 127, 128, -1, -32, -33, 255, 256, 65535, 65536, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64}
	long := string(bytes.Repeat([]byte("x"), 70000))
	var b []byte
	b = AppendArrayHeader(b, len(ints)+6)
	for _, v := range ints {
		b = AppendInt(b, v)
	}
	b = AppendString(b, "héllo")
	b = AppendString(b, long)
	b = AppendBytes(b, []byte{1, 2, 3})
	b = AppendBool(b, true)
	b = AppendNil(b)
	b = AppendStringMap(b, map[string]string{"a": "1", "b": "2"}, []string{"a", "b"})

	r := NewReader(b)
	if n := r.ArrayHeader(); n != len(ints)+6 {
		t.Fatalf("array header %d", n)
	}
	for _, want := range ints {
		if got := r.Int(); got != want {
			t.Errorf("int: got %d want %d", got, want)
		}
	}
	if s := r.String(); s != "héllo" {
		t.Errorf("string %q", s)
	}
	if s := r.String(); s != long {
		t.Errorf("long string length %d", len(s))
	}
	if v := r.Bytes(); !bytes.Equal(v, []byte{1, 2, 3}) {
		t.Errorf("bytes %v", v)
	}
	if !r.Bool() {
		t.Error("bool")
	}
	if s := r.String(); s != "" { // nil reads as the zero value
		t.Errorf("nil as string %q", s)
	}
	if m := r.StringMap(); m["a"] != "1" || m["b"] != "2" {
		t.Errorf("map %v", m)
	}
	if err := r.Done(); err != nil {
		t.Fatal(err)
	}
}

func TestReaderRejectsHostileInput(t *testing.T) {
	for name, in := range map[string][]byte{
		"truncated string": {0xa5, 'a'},
		"huge array":       {0xdd, 0xff, 0xff, 0xff, 0xff},
		"huge map":         {0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01},
		"ext type":         {0xd4, 0x01, 0x02},
		"deep nesting":     bytes.Repeat([]byte{0x91}, 100),
	} {
		t.Run(name, func(t *testing.T) {
			r := NewReader(in)
			r.Skip()
			if r.Err() == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestJSON(t *testing.T) {
	b := AppendMapHeader(nil, 3)
	b = AppendString(AppendString(b, "name"), "a\"b")
	b = AppendString(b, "n")
	b = AppendInt(b, -5)
	b = AppendString(b, "list")
	b = AppendStrings(b, []string{"x", "y"})
	got, err := JSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"a\"b","n":-5,"list":["x","y"]}`; string(got) != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte{0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x92, 0xc3, 0xc0})
	f.Add([]byte{0xdf, 0, 0, 0, 1, 0xa0, 0xc4, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		r.Skip()
		_, _ = JSON(b)
	})
}
