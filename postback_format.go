package main

import (
	"context"
	"errors"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/delivery"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/plugins/postback/format"
)

// postbackFormat runs the default postback-format plugin
// (plugins/postback/format) in process. It adapts the plugin's std-only
// types to the core's interfaces; the same plugin code also builds as the
// default WebAssembly postback-format plugin.
type postbackFormat struct{}

// Interface guards.
var (
	_ delivery.Formatter       = postbackFormat{}
	_ postback.TemplateChecker = postbackFormat{}
)

// Format implements delivery.Formatter.
func (postbackFormat) Format(_ context.Context, in delivery.FormatInput) (delivery.Request, error) {
	r, err := format.Format(format.Input{
		Settings:      format.Settings{URL: in.URL, Method: in.Method, Format: in.Format},
		Values:        in.Values,
		IdempotencyID: in.IdempotencyID,
		Secret:        in.Secret,
		Timestamp:     in.Timestamp,
	})
	if err != nil {
		return delivery.Request{}, err
	}
	out := delivery.Request{Method: r.Method, URL: r.URL, Body: r.Body}
	for _, h := range r.Headers {
		out.Headers = append(out.Headers, [2]string{h.Name, h.Value})
	}
	return out, nil
}

// CheckTemplate implements postback.TemplateChecker.
func (postbackFormat) CheckTemplate(url, method, f string, macros []string) error {
	err := format.Check(format.Settings{URL: url, Method: method, Format: f}, macros)
	var fe *format.FieldError
	if errors.As(err, &fe) {
		return core.Invalid(fe.Field, fe.Message)
	}
	return err
}
