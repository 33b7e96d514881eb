package decimal

import "testing"

func TestDecimal(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{MustParse("10.5").Add(MustParse("0.25")).String(), "10.75"},
		{MustParse("1").Sub(MustParse("1.00000001")).String(), "-0.00000001"},
		{MustParse("200").Percent(MustParse("12.5")).String(), "25"},
		{MustParse("19.99").Percent(MustParse("10")).String(), "1.999"},
		{MustParse("19.99").Percent(MustParse("10")).RoundTo(2).String(), "2"},
		{MustParse("-2.345").RoundTo(2).String(), "-2.35"},
		{MustParse("3").Mul(MustParse("0.33333333")).String(), "0.99999999"},
		{Zero.String(), "0"},
		{MustParse("92233720368.54775807").Add(MustParse("1")).String(), "92233720369.54775807"},
	} {
		if c.got != c.want {
			t.Errorf("got %s want %s", c.got, c.want)
		}
	}
	for _, bad := range []string{"1e5", "1.123456789", "abc", ".", "--1", "1.2.3"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
