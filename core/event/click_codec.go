package event

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"time"
)

// The click is the hot path's payload: every redirect encodes one and ingest
// decodes it again, tens of thousands of times a second. It travels in a
// compact binary form written and read field by field (no reflection):
//
//	0xC1 0x01                       magic, version
//	strings                         uvarint length + bytes, in clickStrings order
//	at                              varint Unix nanoseconds
//	asn, score                      uvarint, varint
//	flags                           1 byte: bit 0 fraud
//	subs                            5 strings
//	reasons                         uvarint count + strings
//	params                          uvarint count + key/value strings
//
// New fields are appended under a new version byte. Payloads that start
// with '{' are JSON (the encoding of earlier releases) and still decode.

const (
	clickMagic   = 0xC1
	clickVersion = 1
)

// errClickPayload marks a payload that is neither encoding.
var errClickPayload = errors.New("decode click: malformed payload")

// clickStrings lists the string fields in their wire order.
func clickStrings(c *Click) [17]*string {
	return [17]*string{(*string)(&c.TenantID), &c.ID, &c.CampaignID, &c.OfferID, &c.PartnerID, &c.SourceID, &c.LandingID,
		&c.IP, &c.UserAgent, &c.Device, &c.OS, &c.Browser, &c.Country, &c.Region, &c.City, &c.Referrer, &c.Route}
}

// AppendBinary appends the binary encoding of c to b.
func (c *Click) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, clickMagic, clickVersion)
	for _, s := range clickStrings(c) {
		b = appendString(b, *s)
	}
	b = appendString(appendString(appendString(b, c.GCLID), c.FBCLID), c.TTCLID)
	b = binary.AppendVarint(b, c.At.UnixNano())
	b = binary.AppendUvarint(b, uint64(c.ASN))
	b = binary.AppendVarint(b, int64(c.Score))
	var flags byte
	if c.Fraud {
		flags |= 1
	}
	b = append(b, flags)
	for _, s := range c.Subs {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Reasons)))
	for _, r := range c.Reasons {
		b = appendString(b, r)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Params)))
	for k, v := range c.Params {
		b = appendString(appendString(b, k), v)
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// DecodeClick decodes a click payload in either encoding.
func DecodeClick(data []byte) (Click, error) {
	var c Click
	if len(data) > 0 && data[0] == '{' {
		err := json.Unmarshal(data, &c)
		return c, err
	}
	err := c.UnmarshalBinary(data)
	return c, err
}

// UnmarshalBinary decodes the binary encoding. All strings share one copy
// of the payload, so a click costs one allocation for its text.
func (c *Click) UnmarshalBinary(data []byte) error {
	if len(data) < 2 || data[0] != clickMagic || data[1] != clickVersion {
		return errClickPayload
	}
	d := clickDecoder{s: string(data), i: 2}
	for _, s := range clickStrings(c) {
		*s = d.str()
	}
	c.GCLID, c.FBCLID, c.TTCLID = d.str(), d.str(), d.str()
	c.At = time.Unix(0, d.varint()).UTC()
	asn := d.uvarint()
	c.ASN = uint32(min(asn, math.MaxUint32))
	c.Score = int(d.varint())
	c.Fraud = d.byte()&1 != 0
	for i := range c.Subs {
		c.Subs[i] = d.str()
	}
	if n := d.count(); n > 0 {
		c.Reasons = make([]string, n)
		for i := range c.Reasons {
			c.Reasons[i] = d.str()
		}
	}
	if n := d.count(); n > 0 {
		c.Params = make(map[string]string, n)
		for range n {
			k := d.str()
			c.Params[k] = d.str()
		}
	}
	if d.bad || d.i != len(d.s) {
		return errClickPayload
	}
	return nil
}

// clickDecoder reads the binary encoding; after a malformed field every read
// returns zero values and bad stays set.
type clickDecoder struct {
	s   string
	i   int
	bad bool
}

// uvarint reads an unsigned varint (encoding/binary's format) straight from
// the string, without copying it into a byte slice.
func (d *clickDecoder) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64 && d.i < len(d.s); shift += 7 {
		b := d.s[d.i]
		d.i++
		if b < 0x80 {
			if shift == 63 && b > 1 {
				break
			}
			return v | uint64(b)<<shift
		}
		v |= uint64(b&0x7f) << shift
	}
	d.bad, d.i = true, len(d.s)
	return 0
}

func (d *clickDecoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.AppendVarint writes it
}

func (d *clickDecoder) byte() byte {
	if d.i >= len(d.s) {
		d.bad = true
		return 0
	}
	d.i++
	return d.s[d.i-1]
}

func (d *clickDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.bad, d.i = true, len(d.s)
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

// count reads a collection length, bounded by the bytes left (each element
// takes at least one byte), so a corrupt length cannot force a huge allocation.
func (d *clickDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.i) {
		d.bad, d.i = true, len(d.s)
		return 0
	}
	return int(n)
}
