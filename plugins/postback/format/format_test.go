package format_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/affcore/affcore/plugins/postback/format"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// values is a partner postback's macro values, with hostile sub ids.
func values() map[string]string {
	return map[string]string{
		"click_id": "clk_01hx", "payout": "10.50", "currency": "USD", "status": "approved",
		"sub1": "a&b=c#d", "sub2": "x/../y z", "sub3": "ü<script>", "event": "deposit",
		"idempotency_id": "pbd_01",
	}
}

func TestExpand_EscapesForPosition(t *testing.T) {
	got, err := format.Expand("https://t.example/pb/{SUB2}/x?cid={click_id}&s1={sub1}&s2={sub2}&s3={sub3}&none={nope}&lit={", values())
	if err != nil {
		t.Fatal(err)
	}
	want := "https://t.example/pb/x%2F..%2Fy%20z/x?cid=clk_01hx&s1=a%26b%3Dc%23d&s2=x%2F..%2Fy+z&s3=%C3%BC%3Cscript%3E&none=&lit={"
	if got != want {
		t.Fatalf("Expand =\n %s\nwant\n %s", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("s1") != "a&b=c#d" || q.Get("s2") != "x/../y z" || len(q) != 6 || u.Fragment != "" {
		t.Fatalf("values leaked into the URL structure: %v fragment %q", q, u.Fragment)
	}
}

func TestCheck(t *testing.T) {
	allowed := []string{"click_id", "payout", "sub1"}
	cases := []struct {
		name  string
		s     format.Settings
		field string // "" = valid
		msg   string
	}{
		{"ok-get", format.Settings{URL: "https://t.example/pb?c={click_id}&p={Payout}"}, "", ""},
		{"ok-json-default-post", format.Settings{URL: "http://t.example:8080/pb", Format: "json"}, "", ""},
		{"ok-path-macro", format.Settings{URL: "https://t.example/{click_id}/{sub1}", Method: "post"}, "", ""},
		{"empty", format.Settings{}, "url", "is required"},
		{"relative", format.Settings{URL: "/pb?c={click_id}"}, "url", "absolute"},
		{"ftp", format.Settings{URL: "ftp://t.example/x"}, "url", "http or https"},
		{"no-host", format.Settings{URL: "https:///x"}, "url", "with a host"},
		{"macro-in-host", format.Settings{URL: "https://{sub1}.t.example/x"}, "url", "not in the host"},
		{"unknown-macro", format.Settings{URL: "https://t.example/?r={revenue}"}, "url", "unknown macro {revenue}"},
		{"space", format.Settings{URL: "https://t.example/a b"}, "url", "space"},
		{"fragment", format.Settings{URL: "https://t.example/a#x"}, "url", "fragment"},
		{"bad-method", format.Settings{URL: "https://t.example/", Method: "PUT"}, "method", "GET or POST"},
		{"bad-format", format.Settings{URL: "https://t.example/", Format: "xml"}, "format", `"url" or "json"`},
		{"json-get", format.Settings{URL: "https://t.example/", Format: "json", Method: "GET"}, "method", "use POST"},
		{"too-long", format.Settings{URL: "https://t.example/" + strings.Repeat("a", 2048)}, "url", "longer than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := format.Check(tc.s, allowed)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check = %v; want ok", err)
				}
				return
			}
			var fe *format.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Message, tc.msg) {
				t.Fatalf("Check = %v; want %s error containing %q", err, tc.field, tc.msg)
			}
		})
	}
}

// TestFormat_Golden pins the exact requests of each format (run with
// -update to rewrite testdata/*.golden.json after a deliberate change).
func TestFormat_Golden(t *testing.T) {
	secret := []byte("pbsec_test")
	cases := map[string]format.Input{
		"url_get":        {Settings: format.Settings{URL: "https://t.example/pb?cid={click_id}&sum={payout}&cur={currency}&s1={sub1}"}},
		"url_post_form":  {Settings: format.Settings{URL: "https://t.example/pb/{click_id}", Method: "POST"}},
		"json_signed":    {Settings: format.Settings{URL: "https://t.example/hook?src=aff", Format: "json"}, Secret: secret},
		"url_get_signed": {Settings: format.Settings{URL: "https://t.example/pb?cid={click_id}&s3={sub3}"}, Secret: secret},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			in.Values, in.IdempotencyID, in.Timestamp = values(), "pbd_01", 1700000000
			req, err := format.Format(in)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			_ = enc.Encode(struct {
				format.Request
				Body string `json:"body,omitempty"`
			}{req, string(req.Body)})
			golden(t, filepath.Join("testdata", name+".golden.json"), got.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Fatalf("%s differs:\n got %s\nwant %s", path, got, want)
	}
}

func TestFormat_JSONBodyRoundTrips(t *testing.T) {
	v := values()
	v["ctl"] = "line\nbreak\t\"q\" \\ \x01 \u2028 & <>"
	v["bad_utf8"] = "a\xffb"
	req, err := format.Format(format.Input{Settings: format.Settings{URL: "https://t.example/", Format: "json"}, Values: v})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(req.Body, &back); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, req.Body)
	}
	v["bad_utf8"] = "a\ufffdb"
	for k, want := range v {
		if back[k] != want {
			t.Errorf("%s = %q; want %q", k, back[k], want)
		}
	}
	if req.Method != "POST" || header(req, "Content-Type") != "application/json" {
		t.Errorf("json request: %s %v", req.Method, req.Headers)
	}
}

func header(r format.Request, name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

func TestSignature_VerifyRejectsForgeriesAndReplays(t *testing.T) {
	secret := []byte("pbsec_s3cret")
	now := time.Unix(1700000000, 0)
	req, err := format.Format(format.Input{
		Settings: format.Settings{URL: "https://t.example/pb?cid={click_id}&sum={payout}", Method: "POST"},
		Values:   values(), IdempotencyID: "pbd_01", Secret: secret, Timestamp: now.Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(req.URL)
	target, sig, ts := u.RequestURI(), header(req, format.SignatureHeader), header(req, format.TimestampHeader)
	if err := format.Verify(secret, sig, ts, "POST", target, req.Body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("genuine request rejected: %v", err)
	}
	forged := []struct {
		name           string
		secret         []byte
		sig, ts        string
		method, target string
		body           []byte
		now            time.Time
		want           error
	}{
		{"wrong-secret", []byte("other"), sig, ts, "POST", target, req.Body, now, format.ErrSignature},
		{"payout-changed", secret, sig, ts, "POST", strings.Replace(target, "10.50", "99.00", 1), req.Body, now, format.ErrSignature},
		{"body-changed", secret, sig, ts, "POST", target, append([]byte("x"), req.Body...), now, format.ErrSignature},
		{"method-changed", secret, sig, ts, "GET", target, req.Body, now, format.ErrSignature},
		{"ts-changed", secret, sig, "1700000001", "POST", target, req.Body, now, format.ErrSignature},
		{"replayed-later", secret, sig, ts, "POST", target, req.Body, now.Add(6 * time.Minute), format.ErrTimestamp},
		{"from-future", secret, sig, ts, "POST", target, req.Body, now.Add(-6 * time.Minute), format.ErrTimestamp},
		{"no-ts", secret, sig, "", "POST", target, req.Body, now, format.ErrTimestamp},
		{"garbage-sig", secret, "v1=zz", ts, "POST", target, req.Body, now, format.ErrSignature},
		{"no-version", secret, strings.TrimPrefix(sig, "v1="), ts, "POST", target, req.Body, now, format.ErrSignature},
	}
	for _, f := range forged {
		if err := format.Verify(f.secret, f.sig, f.ts, f.method, f.target, f.body, f.now, 5*time.Minute); !errors.Is(err, f.want) {
			t.Errorf("%s: Verify = %v; want %v", f.name, err, f.want)
		}
	}
}

// TestSign_KnownVector pins the signing string and HMAC so receivers in
// other languages can check their implementation against it (README).
func TestSign_KnownVector(t *testing.T) {
	got := format.Sign([]byte("pbsec_example"), 1700000000, "GET", "/pb?cid=clk_1&sum=10.50", nil)
	// Computed independently: printf '1700000000\nGET\n/pb?cid=clk_1&sum=10.50\n' | openssl dgst -sha256 -hmac pbsec_example
	const want = "v1=e68989f57ec03eb5ffe9778405f8a464f972237de534f671debc3e3249e90206"
	if got != want {
		t.Fatalf("Sign = %s; want %s", got, want)
	}
	if string(format.SigningString(1700000000, "GET", "/pb?cid=clk_1&sum=10.50", nil)) != "1700000000\nGET\n/pb?cid=clk_1&sum=10.50\n" {
		t.Fatal("signing string changed")
	}
}
