package click

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a click keeps from its query string. Longer values are
// cut, not refused: a click is never refused for a malformed sub-id.
const (
	MaxValueLen  = 255  // sub-ids, external click ids, other values
	MaxKeyLen    = 64   // names of other parameters
	MaxParams    = 32   // other parameters kept per click
	MaxQueryLen  = 8192 // bytes of the raw query string that are read
	maxParamKeys = 256  // pairs looked at before giving up on the rest
)

// Params is what a click keeps of its query string.
type Params struct {
	Subs   [5]string
	GCLID  string
	FBCLID string
	TTCLID string
	Other  map[string]string
}

// ParseQuery reads a raw query string as a browser or an ad network sent it.
// It never fails: malformed pairs are skipped, values are made valid UTF-8
// without control characters and cut to MaxValueLen, and at most MaxParams
// other parameters are kept. Values are kept raw; they are escaped where
// they are used (macros).
func ParseQuery(raw string) Params {
	var p Params
	if len(raw) > MaxQueryLen {
		raw = raw[:MaxQueryLen]
	}
	seen := 0
	for raw != "" && seen < maxParamKeys {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		seen++
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || key == "" {
			continue
		}
		p.set(clean(key, MaxKeyLen), clean(val, MaxValueLen))
	}
	return p
}

// set stores one pair; the first occurrence of a key wins.
func (p *Params) set(key, val string) {
	first := func(dst *string) {
		if *dst == "" {
			*dst = val
		}
	}
	switch key {
	case "sub1", "sub2", "sub3", "sub4", "sub5":
		first(&p.Subs[key[3]-'1'])
	case "gclid":
		first(&p.GCLID)
	case "fbclid":
		first(&p.FBCLID)
	case "ttclid":
		first(&p.TTCLID)
	case "", "campaign_id":
	default:
		if p.Other == nil {
			p.Other = make(map[string]string, 4)
		}
		if _, dup := p.Other[key]; !dup && len(p.Other) < MaxParams {
			p.Other[key] = val
		}
	}
}

// clean returns s as valid UTF-8 without control characters, cut to at most
// max bytes on a rune boundary.
func clean(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, s)
	}
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
