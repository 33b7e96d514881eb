package format

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// maxURL bounds a template's length.
const maxURL = 2048

// FieldError says which setting is wrong and why.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Expand fills the {macro} placeholders of template with values. A value is
// escaped for where it lands: path-segment escaping before the '?', query
// escaping after it, so no value can add a path segment, a parameter or a
// fragment. Macro names are case-insensitive; unknown or missing macros
// expand to the empty string; a '{' that does not open a macro stays as is.
func Expand(template string, values map[string]string) (string, error) {
	if len(template) > maxURL {
		return "", fieldErr("url", "longer than %d characters", maxURL)
	}
	var b strings.Builder
	b.Grow(len(template) + 64)
	inQuery := false
	for i := 0; i < len(template); i++ {
		c := template[i]
		if c == '?' {
			inQuery = true
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		name, n := macroAt(template[i:])
		if n == 0 {
			b.WriteByte(c)
			continue
		}
		v := values[name]
		if inQuery {
			b.WriteString(url.QueryEscape(v))
		} else {
			b.WriteString(url.PathEscape(v))
		}
		i += n - 1
	}
	return b.String(), nil
}

// macroAt reports the lower-cased macro name at the start of s ("{name}")
// and its length, or 0 when s does not start with a macro.
func macroAt(s string) (string, int) {
	for j := 1; j < len(s) && j <= 33; j++ {
		c := s[j]
		switch {
		case c == '}' && j > 1:
			return strings.ToLower(s[1:j]), j + 1
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		default:
			return "", 0
		}
	}
	return "", 0
}

// Macros lists the macro names a template uses, lower-cased, in order of
// first use.
func Macros(template string) []string {
	var out []string
	for i := 0; i < len(template); i++ {
		if template[i] != '{' {
			continue
		}
		if name, n := macroAt(template[i:]); n > 0 {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
			i += n - 1
		}
	}
	return out
}

// Check validates settings on save: an absolute http(s) URL of at most 2048
// characters whose macros are all in allowed and sit only in the path or
// query, no fragment, plain ASCII without spaces; GET or POST; url or json
// (json needs POST). The error is a *FieldError naming the setting.
func Check(s Settings, allowed []string) error {
	s = normalize(s)
	if err := checkShape(s); err != nil {
		return err
	}
	if err := checkChars(s.URL); err != nil {
		return err
	}
	for _, m := range Macros(s.URL) {
		if !slices.Contains(allowed, m) {
			return fieldErr("url", "unknown macro {%s}; known macros: {%s}", m, strings.Join(allowed, "}, {"))
		}
	}
	return checkParsed(s.URL)
}

// checkShape checks what Format relies on: a template, a method and a format.
func checkShape(s Settings) error {
	switch {
	case strings.TrimSpace(s.URL) == "":
		return fieldErr("url", "is required")
	case len(s.URL) > maxURL:
		return fieldErr("url", "longer than %d characters", maxURL)
	case s.Method != "GET" && s.Method != "POST":
		return fieldErr("method", "must be GET or POST")
	case s.Format != FormatURL && s.Format != FormatJSON:
		return fieldErr("format", "must be %q or %q", FormatURL, FormatJSON)
	case s.Format == FormatJSON && s.Method != "POST":
		return fieldErr("method", "the json format sends a body: use POST")
	}
	return nil
}

// checkChars refuses characters that are not valid in a URL as written.
func checkChars(t string) error {
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return fieldErr("url", "contains a space, control or non-ASCII character at position %d (percent-encode it)", i+1)
		case c == '#':
			return fieldErr("url", "must not contain a fragment (#)")
		case c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '|':
			return fieldErr("url", "contains %q at position %d (percent-encode it)", c, i+1)
		}
	}
	return nil
}

// checkParsed checks the URL that sample values produce.
func checkParsed(t string) error {
	scheme, rest, ok := strings.Cut(t, "://")
	if !ok {
		return fieldErr("url", "must be an absolute http:// or https:// URL")
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority = rest[:i]
	}
	if strings.ContainsAny(authority, "{}") {
		return fieldErr("url", "macros are allowed only in the path and query, not in the host")
	}
	sample, _ := Expand(t, nil)
	u, err := url.Parse(sample)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return fieldErr("url", "must be an absolute http:// or https:// URL with a host")
	}
	if s := strings.ToLower(scheme); s != "http" && s != "https" {
		return fieldErr("url", "must use http or https, not %q", scheme)
	}
	return nil
}
