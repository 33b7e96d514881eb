package core_test

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/affcore/affcore/core"
)

func TestParseDecimal(t *testing.T) {
	ok := map[string]string{
		"10.5": "10.50", "0": "0.00", "-0.00000001": "-0.00000001", "+3": "3.00",
		"92233720368.54775807": "92233720368.54775807", ".5": "0.50", "007.10": "7.10",
	}
	for in, want := range ok {
		d, err := core.ParseDecimal(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "1e5", "1.123456789", "abc", "1.", "-", "1 ", "92233720368.54775808", "1,5", "--1", "."} {
		if d, err := core.ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) = %v; want error", in, d)
		}
	}
}

func TestDecimal_Arithmetic(t *testing.T) {
	d := core.MustParseDecimal
	sum, _ := d("0.1").Add(d("0.2"))
	if sum.Cmp(d("0.3")) != 0 {
		t.Errorf("0.1+0.2 = %v", sum)
	}
	p, _ := d("100").Mul(d("0.25"))
	if p.String() != "25.00" {
		t.Errorf("100*0.25 = %v", p)
	}
	r, _ := d("0.00000003").Mul(d("0.5")) // 0.000000015 rounds half away from zero
	if r.String() != "0.00000002" {
		t.Errorf("rounding: %v", r)
	}
	q, _ := d("10").Div(d("3"))
	if q.String() != "3.33333333" {
		t.Errorf("10/3 = %v", q)
	}
	if _, err := d("90000000000").Add(d("90000000000")); err == nil {
		t.Error("overflow not detected")
	}
	if got := d("2.345").RoundTo(2).String(); got != "2.35" {
		t.Errorf("RoundTo = %s", got)
	}
	if got := d("-2.345").RoundTo(2).String(); got != "-2.35" {
		t.Errorf("RoundTo negative = %s", got)
	}
	b, _ := json.Marshal(struct{ A core.Decimal }{d("1.5")})
	if string(b) != `{"A":"1.50"}` {
		t.Errorf("json = %s", b)
	}
}

// FuzzParseDecimal checks that parsing never panics and that every accepted
// string round-trips exactly through String.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"1", "-1.5", "0.00000001", "92233720368.54775807", "x", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := core.ParseDecimal(s)
		if err != nil {
			return
		}
		back, err := core.ParseDecimal(d.StringFixed(0))
		if err != nil || back != d {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, d.StringFixed(0), back, err)
		}
		want, ok := new(big.Rat).SetString(s)
		got, _ := new(big.Rat).SetString(d.StringFixed(0))
		if ok && want.Cmp(got) != 0 {
			t.Fatalf("value of %q changed to %s", s, d.StringFixed(0))
		}
	})
}
