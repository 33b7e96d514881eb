// Package format is the default postback-format plugin: it turns one
// outgoing postback (the receiver's settings plus the event's macro values)
// into the HTTP request to send. It knows three things: the macro URL
// (`https://t.example/pb?cid={click_id}&sum={payout}`, every value
// URL-encoded for its position), a JSON body, and an optional HMAC-SHA256
// signature header with a timestamp so receivers can reject forgeries and
// replays.
//
// The package imports only the standard library (and the PDK's hook
// contract, itself standard-library only), so the same code runs
// in-process and as the default WebAssembly postback-format plugin (a thin
// export shim adapts it to the plugin ABI). It never sends anything: the
// host sends the request it returns.
package format

import (
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Formats.
const (
	// FormatURL fills the URL template; GET sends nothing else, POST also
	// sends every value as an application/x-www-form-urlencoded body.
	FormatURL = "url"
	// FormatJSON fills the URL template and POSTs every value as one JSON
	// object with string members, keys sorted.
	FormatJSON = "json"
)

// Header names set on every request (signature headers only when signing).
const (
	IdempotencyHeader = "Idempotency-Key"
	TimestampHeader   = "X-Postback-Timestamp"
	SignatureHeader   = "X-Postback-Signature"
)

// Settings is how one receiver wants its postbacks.
type Settings struct {
	// URL is the template: an absolute http(s) URL with {macro} placeholders
	// in its path or query (never in the scheme or host).
	URL string `json:"url"`
	// Method is GET or POST.
	Method string `json:"method"`
	// Format is FormatURL (the default) or FormatJSON.
	Format string `json:"format"`
}

// Input is one postback to format: the hook's input.
type Input struct {
	Settings Settings `json:"settings"`
	// Values are the macro values by name (click_id, payout, ...). Missing
	// macros expand to the empty string.
	Values map[string]string `json:"values"`
	// BodyValues, when set, are what a POST body carries instead of Values
	// (a plugin that renames or picks fields for its receiver).
	BodyValues map[string]string `json:"body_values,omitempty"`
	// IdempotencyID is stable across retries of one logical delivery.
	IdempotencyID string `json:"idempotency_id"`
	// Secret signs the request when not empty.
	Secret []byte `json:"secret,omitempty"`
	// Timestamp is the signing time in Unix seconds.
	Timestamp int64 `json:"timestamp"`
}

// Header is one request header.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Request is the HTTP request to send: the hook's output.
type Request struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []Header `json:"headers"`
	Body    []byte   `json:"body,omitempty"`
}

// Format builds the request for in. Settings are checked again here (the
// host validated them on save), so a bad template never becomes a request.
func Format(in Input) (Request, error) {
	s := normalize(in.Settings)
	if err := checkShape(s); err != nil {
		return Request{}, err
	}
	if err := checkParsed(s.URL); err != nil { // never a macro in the scheme or host
		return Request{}, err
	}
	u, err := Expand(s.URL, in.Values)
	if err != nil {
		return Request{}, err
	}
	req := Request{Method: s.Method, URL: u}
	req.Headers = append(req.Headers, Header{IdempotencyHeader, in.IdempotencyID})
	body := in.Values
	if in.BodyValues != nil {
		body = in.BodyValues
	}
	switch {
	case s.Format == FormatJSON:
		req.Body = appendJSONObject(nil, body)
		req.Headers = append(req.Headers, Header{"Content-Type", "application/json"})
	case s.Method == "POST":
		req.Body = []byte(formBody(body))
		req.Headers = append(req.Headers, Header{"Content-Type", "application/x-www-form-urlencoded"})
	}
	if len(in.Secret) > 0 {
		target, err := requestTarget(u)
		if err != nil {
			return Request{}, err
		}
		req.Headers = append(req.Headers,
			Header{TimestampHeader, strconv.FormatInt(in.Timestamp, 10)},
			Header{SignatureHeader, Sign(in.Secret, in.Timestamp, req.Method, target, req.Body)})
	}
	return req, nil
}

// normalize applies defaults: format url, GET for url and POST for json.
func normalize(s Settings) Settings {
	s.Method = strings.ToUpper(strings.TrimSpace(s.Method))
	s.Format = strings.ToLower(strings.TrimSpace(s.Format))
	if s.Format == "" {
		s.Format = FormatURL
	}
	if s.Method == "" {
		s.Method = "GET"
		if s.Format == FormatJSON {
			s.Method = "POST"
		}
	}
	return s
}

// Normalize returns s with its defaults applied, as Format sees it.
func Normalize(s Settings) Settings { return normalize(s) }

// formBody encodes values as a form, keys sorted.
func formBody(values map[string]string) string {
	form := make(url.Values, len(values))
	for k, v := range values {
		form.Set(k, v)
	}
	return form.Encode()
}

// requestTarget returns the path and query of u exactly as the request line
// will carry them: what the signature covers.
func requestTarget(u string) (string, error) {
	p, err := url.Parse(u)
	if err != nil {
		return "", errors.New("url: not a valid URL after expanding macros")
	}
	return p.RequestURI(), nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
