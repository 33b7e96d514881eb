package format_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/affcore/affcore/plugins/postback/format"
)

// FuzzExpand: whatever a click carries in its sub ids, the expanded URL has
// exactly the template's parameters, each holding the value as given.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"", "a&b=c", "#frag", "x/../y", "%zz", "ü", "{click_id}", "?a=b&", " \t\n"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, sub1, sub2 string) {
		got, err := format.Expand("https://t.example/p/{sub2}?a={sub1}&b=1", map[string]string{"sub1": sub1, "sub2": sub2})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("Expand made an unparseable URL %q: %v", got, err)
		}
		q := u.Query()
		if len(q) != 2 || q.Get("a") != sub1 || q.Get("b") != "1" || u.Fragment != "" || u.Host != "t.example" {
			t.Fatalf("sub1 %q broke the query: %q", sub1, got)
		}
		if u.Path != "/p/"+sub2 {
			t.Fatalf("sub2 %q broke the path: %q (path %q)", sub2, got, u.Path)
		}
	})
}

// FuzzJSONBody: the JSON body is always valid JSON holding every value.
func FuzzJSONBody(f *testing.F) {
	for _, s := range []string{"", "\"", "\\", "\x00", "\u2028", "\xff", "<&>"} {
		f.Add("k", s)
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		req, err := format.Format(format.Input{Settings: format.Settings{URL: "https://t.example/", Format: "json"},
			Values: map[string]string{k: v, "fixed": "1"}})
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]string
		if err := json.Unmarshal(req.Body, &back); err != nil {
			t.Fatalf("invalid JSON %q: %v", req.Body, err)
		}
		if utf8.ValidString(v) && utf8.ValidString(k) && back[k] != v {
			t.Fatalf("value %q came back as %q", v, back[k])
		}
	})
}

// FuzzCheck: a template that passes Check always formats into a request
// whose URL parses with the same host.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"https://t.example/pb?c={click_id}", "http://a/{sub1}", "https://x/?a={", "https://h:1/p"} {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, tmpl, v string) {
		allowed := []string{"click_id", "sub1"}
		if format.Check(format.Settings{URL: tmpl}, allowed) != nil {
			return
		}
		req, err := format.Format(format.Input{Settings: format.Settings{URL: tmpl},
			Values: map[string]string{"click_id": v, "sub1": v}})
		if err != nil {
			t.Fatalf("checked template %q failed to format: %v", tmpl, err)
		}
		u, err := url.Parse(req.URL)
		if err != nil || u.Host == "" {
			t.Fatalf("checked template %q made URL %q: %v", tmpl, req.URL, err)
		}
	})
}
