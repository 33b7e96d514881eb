package click

import (
	"net/url"
	"strconv"
	"strings"
)

// Macros are the placeholders a destination URL may hold. Each is replaced
// by the click's value, URL-encoded (url.QueryEscape), so no input can
// change the URL's structure; an unknown macro is left as written.
var Macros = []string{"click_id", "sub1", "sub2", "sub3", "sub4", "sub5", "partner_id", "offer_id",
	"campaign_id", "source_id", "landing_id", "country", "region", "city", "device", "os", "browser",
	"gclid", "fbclid", "ttclid", "asn", "score"}

// macroValue returns the raw value of macro name for c, and whether the
// macro is known.
func macroValue(c *Click, name string) (string, bool) {
	switch name {
	case "click_id":
		return c.ID, true
	case "sub1", "sub2", "sub3", "sub4", "sub5":
		return c.Subs[name[3]-'1'], true
	case "partner_id":
		return c.PartnerID, true
	case "offer_id":
		return c.OfferID, true
	case "campaign_id":
		return c.CampaignID, true
	case "source_id":
		return c.SourceID, true
	case "landing_id":
		return c.LandingID, true
	case "country":
		return c.Country, true
	case "region":
		return c.Region, true
	case "city":
		return c.City, true
	case "device":
		return c.Device, true
	case "os":
		return c.OS, true
	case "browser":
		return c.Browser, true
	case "gclid":
		return c.GCLID, true
	case "fbclid":
		return c.FBCLID, true
	case "ttclid":
		return c.TTCLID, true
	case "asn":
		return strconv.FormatUint(uint64(c.ASN), 10), true
	case "score":
		return strconv.Itoa(c.Score), true
	}
	return "", false
}

// Fill replaces the macros of template with the click's values, each
// URL-encoded. The template itself was validated when the offer was saved.
func Fill(template string, c *Click) string {
	if strings.IndexByte(template, '{') < 0 {
		return template
	}
	var b strings.Builder
	b.Grow(len(template) + 64)
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(template[:i])
		if v, ok := macroValue(c, template[i+1:i+j]); ok {
			b.WriteString(url.QueryEscape(v))
		} else {
			b.WriteString(template[i : i+j+1])
		}
		template = template[i+j+1:]
	}
	b.WriteString(template)
	return b.String()
}
