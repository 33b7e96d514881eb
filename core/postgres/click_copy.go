package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core/event"
)

// Clicks reach PostgreSQL in COPY's text format, written straight into one
// buffer: pgx's generic CopyFrom boxes every value of every row into an
// []any and plans its encoding, about fifteen allocations a click on the
// hottest write path (measured: a fifth of affcore serve's allocations
// under a click burst).

// clickCols are the columns copyClicks fills, in row order (is_unique last).
var clickCols = []string{"id", "clicked_at", "tenant_id", "campaign_id", "offer_id", "partner_id", "source_id", "landing_id",
	"ip", "user_agent", "device", "os", "browser", "country", "region", "city", "asn", "referrer",
	"sub1", "sub2", "sub3", "sub4", "sub5", "gclid", "fbclid", "ttclid", "params", "route", "score", "fraud", "is_unique"}

// The staging table is LIKE clicks, so INSERT ... SELECT * needs clickCols to
// be every column of clicks in table order.

// copyClicks COPies the clicks (with their uniqueness) into table.
func copyClicks(ctx context.Context, tx pgx.Tx, table string, clicks []event.Click, unique []bool) error {
	var buf bytes.Buffer
	buf.Grow(len(clicks) * 320)
	for i := range clicks {
		buf.Write(appendClickRow(buf.AvailableBuffer(), &clicks[i], unique[i]))
	}
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(clickCols, ", ") + ") FROM STDIN"
	_, err := tx.Conn().PgConn().CopyFrom(ctx, &buf, sql)
	return err
}

// copyTime is clicked_at as COPY reads it: microseconds, cut like pgx cuts
// them in binary (a click's time must round-trip exactly: it is part of the
// primary key the redelivery probe looks up).
const copyTime = "2006-01-02 15:04:05.999999-07"

// appendClickRow appends c as one line of COPY text.
func appendClickRow(b []byte, c *event.Click, unique bool) []byte {
	b = appendCopyText(b, c.ID)
	b = append(b, '\t')
	b = c.At.UTC().AppendFormat(b, copyTime)
	for _, s := range [...]string{string(c.TenantID), c.CampaignID, c.OfferID, c.PartnerID, c.SourceID, c.LandingID} {
		b = appendCopyText(append(b, '\t'), s)
	}
	b = append(b, '\t')
	if a, err := netip.ParseAddr(c.IP); err == nil {
		b = a.AppendTo(b)
	} else {
		b = append(b, `\N`...)
	}
	for _, s := range [...]string{c.UserAgent, c.Device, c.OS, c.Browser, c.Country, c.Region, c.City} {
		b = appendCopyText(append(b, '\t'), s)
	}
	b = strconv.AppendInt(append(b, '\t'), int64(c.ASN), 10)
	for _, s := range [...]string{c.Referrer, c.Subs[0], c.Subs[1], c.Subs[2], c.Subs[3], c.Subs[4], c.GCLID, c.FBCLID, c.TTCLID} {
		b = appendCopyText(append(b, '\t'), s)
	}
	b = append(b, '\t')
	if len(c.Params) > 0 {
		params, _ := json.Marshal(c.Params) // a map of strings always marshals
		b = appendCopyText(b, string(params))
	} else {
		b = append(b, "{}"...)
	}
	b = appendCopyText(append(b, '\t'), c.Route)
	b = strconv.AppendInt(append(b, '\t'), int64(int16(c.Score)), 10)
	b = appendCopyBool(append(b, '\t'), c.Fraud)
	b = appendCopyBool(append(b, '\t'), unique)
	return append(b, '\n')
}

func appendCopyBool(b []byte, v bool) []byte {
	if v {
		return append(b, 't')
	}
	return append(b, 'f')
}

// appendCopyText appends s escaped for COPY text: backslash, tab, newline
// and carriage return as backslash sequences; NUL, which no PostgreSQL text
// can hold, dropped.
func appendCopyText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '\\':
			esc = `\\`
		case '\t':
			esc = `\t`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case 0:
		default:
			continue
		}
		b = append(append(b, s[start:i]...), esc...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

