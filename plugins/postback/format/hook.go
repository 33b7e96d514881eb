package format

import "github.com/affcore/affcore/pdk/go/hook"

// Version is the version of the affcore.postback-format plugin this code
// is (its manifest's version): installations of exactly this version run in
// process.
const Version = "1.0.0"

// Hook is the postback_format hook over Format: the receiver's settings, the
// event's macro values and the attempt's timestamp in, the request out.
func Hook(in hook.PostbackInput) (hook.HTTPRequest, error) {
	return FormatHook(InputOf(in))
}

// InputOf is Format's input for the hook's input; a plugin built on this
// package may adjust it (e.g. BodyValues) before FormatHook.
func InputOf(in hook.PostbackInput) Input {
	values := make(map[string]string, len(in.Event.Macros))
	for _, m := range in.Event.Macros {
		values[m.Name] = m.Value
	}
	var secret []byte
	if in.Settings.Secret != "" {
		secret = []byte(in.Settings.Secret)
	}
	return Input{
		Settings:      Settings{URL: in.Settings.URLTemplate, Method: in.Settings.Method, Format: in.Settings.Format},
		Values:        values,
		IdempotencyID: in.Event.IdempotencyID,
		Secret:        secret,
		Timestamp:     in.Timestamp,
	}
}

// FormatHook is Format with the hook's result type.
func FormatHook(in Input) (hook.HTTPRequest, error) {
	r, err := Format(in)
	if err != nil {
		return hook.HTTPRequest{}, err
	}
	out := hook.HTTPRequest{Method: r.Method, URL: r.URL, Body: r.Body, Headers: make([]hook.Header, 0, len(r.Headers))}
	for _, h := range r.Headers {
		out.Headers = append(out.Headers, hook.Header{Name: h.Name, Value: h.Value})
	}
	return out, nil
}
