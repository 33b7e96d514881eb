package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/affcore/affcore/core/event"
)

// Clicks reach PostgreSQL in COPY's binary format, written straight into
// one buffer: pgx's generic CopyFrom boxes every value of every row into an
// []any and plans its encoding (about fifteen allocations a click on the
// hottest write path, a fifth of affcore serve's allocations under a click
// burst), and the text format would make the server parse every time and
// address. The encoder cannot fail: text that PostgreSQL would refuse
// (invalid UTF-8, NUL) is cleaned, so one odd click cannot stall ingest.

// clickCols are the columns copyClicks fills, in row order (is_unique last).
var clickCols = []string{"id", "clicked_at", "tenant_id", "campaign_id", "offer_id", "partner_id", "source_id", "landing_id",
	"ip", "user_agent", "device", "os", "browser", "country", "region", "city", "asn", "referrer",
	"sub1", "sub2", "sub3", "sub4", "sub5", "gclid", "fbclid", "ttclid", "params", "route", "score", "fraud", "is_unique"}

// The staging table is LIKE clicks, so INSERT ... SELECT * needs clickCols to
// be every column of clicks in table order.

// copyClicks COPies the clicks (with their uniqueness) into table.
func copyClicks(ctx context.Context, tx pgx.Tx, table string, clicks []event.Click, unique []bool) error {
	var buf bytes.Buffer
	buf.Grow(19 + len(clicks)*400)
	buf.WriteString("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00") // signature, flags, no extension
	for i := range clicks {
		buf.Write(appendClickRow(buf.AvailableBuffer(), &clicks[i], unique[i]))
	}
	buf.Write([]byte{0xff, 0xff}) // end of data
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(clickCols, ", ") + ") FROM STDIN (FORMAT binary)"
	_, err := tx.Conn().PgConn().CopyFrom(ctx, &buf, sql)
	return err
}

// y2k is PostgreSQL's epoch, in microseconds after Unix's.
const y2k = 946_684_800 * 1_000_000

// appendClickRow appends c as one tuple of binary COPY.
func appendClickRow(b []byte, c *event.Click, unique bool) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(clickCols)))
	b = appendText(b, c.ID)
	// microseconds, cut like pgx cuts them: the stored time must be the
	// click's (it is part of the primary key the redelivery probe looks up)
	b = appendField(b, 8)
	b = binary.BigEndian.AppendUint64(b, uint64(c.At.Unix()*1_000_000+int64(c.At.Nanosecond()/1000)-y2k))
	for _, s := range [...]string{string(c.TenantID), c.CampaignID, c.OfferID, c.PartnerID, c.SourceID, c.LandingID} {
		b = appendText(b, s)
	}
	b = appendInet(b, c.IP)
	for _, s := range [...]string{c.UserAgent, c.Device, c.OS, c.Browser, c.Country, c.Region, c.City} {
		b = appendText(b, s)
	}
	b = binary.BigEndian.AppendUint64(appendField(b, 8), uint64(c.ASN))
	for _, s := range [...]string{c.Referrer, c.Subs[0], c.Subs[1], c.Subs[2], c.Subs[3], c.Subs[4], c.GCLID, c.FBCLID, c.TTCLID} {
		b = appendText(b, s)
	}
	params := []byte("{}")
	if len(c.Params) > 0 {
		params, _ = json.Marshal(withoutNUL(c.Params)) // a map of strings always marshals (invalid UTF-8 becomes U+FFFD)
	}
	b = append(append(appendField(b, 1+len(params)), 1), params...) // jsonb: version 1, then the JSON text
	b = appendText(b, c.Route)
	b = binary.BigEndian.AppendUint16(appendField(b, 2), uint16(int16(c.Score)))
	b = appendBool(b, c.Fraud)
	return appendBool(b, unique)
}

// appendField appends a field's length.
func appendField(b []byte, n int) []byte { return binary.BigEndian.AppendUint32(b, uint32(n)) }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(appendField(b, 1), 1)
	}
	return append(appendField(b, 1), 0)
}

// appendText appends s as a text field, made valid UTF-8 without NUL.
func appendText(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return append(appendField(b, len(s)), s...)
}

// appendInet appends an address as an inet field, or NULL when ip is none.
func appendInet(b []byte, ip string) []byte {
	a, err := netip.ParseAddr(ip)
	switch {
	case err != nil:
		return binary.BigEndian.AppendUint32(b, 0xffffffff) // NULL
	case a.Is4():
		v4 := a.As4()
		return append(append(appendField(b, 8), 2, 32, 0, 4), v4[:]...) // PGSQL_AF_INET, bits, not cidr, size
	default:
		v6 := a.As16()
		return append(append(appendField(b, 20), 3, 128, 0, 16), v6[:]...)
	}
}

// withoutNUL returns params without NUL characters, which jsonb refuses
// even escaped (the map itself when it has none).
func withoutNUL(params map[string]string) map[string]string {
	clean := true
	for k, v := range params {
		clean = clean && strings.IndexByte(k, 0) < 0 && strings.IndexByte(v, 0) < 0
	}
	if clean {
		return params
	}
	out := make(map[string]string, len(params))
	for k, v := range params {
		out[strings.ReplaceAll(k, "\x00", "")] = strings.ReplaceAll(v, "\x00", "")
	}
	return out
}
