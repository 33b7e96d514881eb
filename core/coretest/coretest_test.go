package coretest

import "testing"

func TestWithDatabase(t *testing.T) {
	cases := map[string]string{
		"postgres://u:p@h:5432/old?sslmode=disable": "postgres://u:p@h:5432/new?sslmode=disable",
		"host=/tmp/x port=5432 user=a dbname=old":   "host=/tmp/x port=5432 user=a dbname=new",
		"host=/tmp/x user=a":                        "host=/tmp/x user=a dbname=new",
		"postgresql://h/old":                        "postgresql://h/new",
	}
	for in, want := range cases {
		if got := withDatabase(in, "new"); got != want {
			t.Errorf("withDatabase(%q) = %q; want %q", in, got, want)
		}
	}
}
