// Command trackerjson is an example postback-format plugin (hook
// postback_format) for receivers that want a JSON body with their own field
// names: the installation's config maps each body field to a macro, e.g.
// {"fields": {"clickid": "click_id", "sum": "payout"}}. Every postback of the
// tenant is then POSTed to the receiver's URL (macros expanded as usual)
// with that body; signing and the Idempotency-Key header stay the default
// format's, so receivers keep their replay protection.
package main

import (
	"encoding/json"

	pdk "github.com/affcore/affcore/pdk/go"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/postback/format"
)

// Config is the installation's configuration (see manifest.json).
type Config struct {
	// Fields maps a body field name to the macro whose value it carries.
	Fields map[string]string `json:"fields"`
}

// fields holds this instance's configuration (set by setup).
var fields = map[string]string{"click_id": "click_id", "payout": "payout", "status": "status"}

// setup parses the installation's configuration once per instance.
func setup(raw []byte) error {
	var c Config
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &c); err != nil {
			return pdk.Fail("invalid_config", "%v", err)
		}
	}
	if len(c.Fields) > 0 {
		fields = c.Fields
	}
	return nil
}

// Format is the postback_format hook: the receiver's URL with macros
// expanded, POSTed with the mapped JSON body, signed like the default.
func Format(in hook.PostbackInput) (hook.HTTPRequest, error) {
	f := format.InputOf(in)
	f.Settings.Method, f.Settings.Format = "POST", format.FormatJSON
	f.BodyValues = make(map[string]string, len(fields))
	for field, macro := range fields {
		f.BodyValues[field] = f.Values[macro]
	}
	return format.FormatHook(f)
}

func main() {}
