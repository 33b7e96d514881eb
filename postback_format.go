package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/delivery"
	"github.com/affcore/affcore/core/postback"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
	"github.com/affcore/affcore/plugins/postback/format"
)

// postbackFormat is the postback-format hook: a tenant's installed
// postback-format plugin formats that tenant's postbacks and webhooks; the
// others get the default format plugin's code (plugins/postback/format, the
// same code as the affcore.postback-format WebAssembly plugin) in process.
type postbackFormat struct {
	hooks *hosts.Hooks // nil: the default format only
}

// Interface guards.
var (
	_ delivery.Formatter       = postbackFormat{}
	_ postback.TemplateChecker = postbackFormat{}
)

// Format implements delivery.Formatter. A plugin that fails for now
// (timeout, restart, open circuit) makes the attempt retry later.
func (p postbackFormat) Format(ctx context.Context, in delivery.FormatInput) (delivery.Request, error) {
	if p.hooks == nil || !p.hooks.Active(ctx, in.Tenant, abi.HookPostbackFormat) {
		return defaultFormat(in)
	}
	r, err := p.hooks.FormatPostback(ctx, in.Tenant, hookPostbackInput(in))
	switch {
	case errors.Is(err, hosts.ErrNoPlugin):
		return defaultFormat(in)
	case hosts.Retryable(err):
		return delivery.Request{}, fmt.Errorf("%w: %v", delivery.ErrFormatLater, err)
	case err != nil:
		return delivery.Request{}, fmt.Errorf("postback-format plugin: %w", err)
	}
	out := delivery.Request{Method: r.Method, URL: r.URL, Body: r.Body}
	for _, h := range r.Headers {
		out.Headers = append(out.Headers, [2]string{h.Name, h.Value})
	}
	return out, nil
}

// defaultFormat formats with the default plugin's code in process.
func defaultFormat(in delivery.FormatInput) (delivery.Request, error) {
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

// hookPostbackInput is the postback-format hook's contract for one attempt:
// the macro values both as typed fields and as the full macro list.
func hookPostbackInput(in delivery.FormatInput) hook.PostbackInput {
	v := in.Values
	e := hook.PostbackEvent{Name: v["event"], IdempotencyID: in.IdempotencyID, ConversionID: v["conversion_id"],
		ClickID: v["click_id"], TxID: v["tx_id"], Event: v["event"], Status: v["status"], PrevStatus: v["prev_status"],
		Revenue: v["revenue"], Currency: v["currency"], Payout: v["payout"], PayoutCurrency: v["currency"],
		OfferID: v["offer_id"], CampaignID: v["campaign_id"], PartnerID: v["partner_id"], SourceID: v["source_id"],
		Country: v["country"], Device: v["device"], Test: v["test"] == "1"}
	if v["payout"] == "" {
		e.PayoutCurrency = ""
	}
	for i := 1; i <= 5; i++ {
		e.Subs = append(e.Subs, v["sub"+strconv.Itoa(i)])
	}
	if ts, err := strconv.ParseInt(v["timestamp"], 10, 64); err == nil {
		e.OccurredAt = time.Unix(ts, 0).UTC()
	}
	e.Macros = make([]hook.Header, 0, len(v))
	for name, value := range v {
		e.Macros = append(e.Macros, hook.Header{Name: name, Value: value})
	}
	sort.Slice(e.Macros, func(i, j int) bool { return e.Macros[i].Name < e.Macros[j].Name })
	return hook.PostbackInput{Event: e, Timestamp: in.Timestamp,
		Settings: hook.PostbackSettings{URLTemplate: in.URL, Method: in.Method, Format: in.Format, Secret: string(in.Secret)}}
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
