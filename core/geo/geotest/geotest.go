// Package geotest writes small, deterministic MaxMind-format databases for
// tests, so no test depends on a downloaded GeoIP file.
package geotest

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Place is one network and what the databases say about it.
type Place struct {
	CIDR    string
	Country string // ISO code
	Region  string // subdivision ISO code (City databases only)
	City    string // English name (City databases only)
	ASN     uint32
}

// Places is the fixture used across the tests: documentation and
// well-known ranges.
var Places = []Place{
	{CIDR: "81.2.69.0/24", Country: "GB", Region: "ENG", City: "London", ASN: 20712},
	{CIDR: "8.8.8.0/24", Country: "US", Region: "CA", City: "Mountain View", ASN: 15169},
	{CIDR: "2a02:ff0::/32", Country: "DE", Region: "BE", City: "Berlin", ASN: 3320},
	{CIDR: "90.84.0.0/16", Country: "FR", City: "Paris", ASN: 5511},
}

// CityDB writes a GeoLite2-City style database and returns its path. Its
// records are as full as the real database's (names in eight languages,
// continent, registered country, location, postal code), so that lookups
// cost what they cost in production.
func CityDB(t testing.TB, places []Place) string {
	return write(t, "GeoLite2-City", "city.mmdb", places, func(p Place) mmdbtype.DataType {
		country := mmdbtype.Map{"geoname_id": mmdbtype.Uint32(2635167), "iso_code": mmdbtype.String(p.Country), "names": names(p.Country)}
		m := mmdbtype.Map{
			"continent":          mmdbtype.Map{"code": mmdbtype.String("EU"), "geoname_id": mmdbtype.Uint32(6255148), "names": names("Europe")},
			"country":            country,
			"registered_country": country,
			"location": mmdbtype.Map{"accuracy_radius": mmdbtype.Uint16(20), "latitude": mmdbtype.Float64(51.5142),
				"longitude": mmdbtype.Float64(-0.0931), "time_zone": mmdbtype.String("Europe/London")},
			"postal": mmdbtype.Map{"code": mmdbtype.String("EC2V")},
		}
		if p.Region != "" {
			m["subdivisions"] = mmdbtype.Slice{mmdbtype.Map{"geoname_id": mmdbtype.Uint32(6269131),
				"iso_code": mmdbtype.String(p.Region), "names": names(p.Region)}}
		}
		if p.City != "" {
			m["city"] = mmdbtype.Map{"geoname_id": mmdbtype.Uint32(2643743), "names": names(p.City)}
		}
		return m
	})
}

// names is a names record in GeoIP2's eight languages, English being en.
func names(en string) mmdbtype.Map {
	m := mmdbtype.Map{"en": mmdbtype.String(en)}
	for _, lang := range []string{"de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"} {
		m[mmdbtype.String(lang)] = mmdbtype.String(en + " (" + lang + ")")
	}
	return m
}

// CountryCodeDB writes an ip-location-db style database ({country_code}).
func CountryCodeDB(t testing.TB, places []Place) string {
	return write(t, "geo-whois-asn-country", "country.mmdb", places, func(p Place) mmdbtype.DataType {
		return mmdbtype.Map{"country_code": mmdbtype.String(p.Country)}
	})
}

// ASNDB writes a GeoLite2-ASN style database.
func ASNDB(t testing.TB, places []Place) string {
	return write(t, "GeoLite2-ASN", "asn.mmdb", places, func(p Place) mmdbtype.DataType {
		return mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(p.ASN),
			"autonomous_system_organization": mmdbtype.String("AS fixture")}
	})
}

func write(t testing.TB, dbType, name string, places []Place, rec func(Place) mmdbtype.DataType) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, RecordSize: 24, BuildEpoch: 1, IPVersion: 6})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range places {
		_, n, err := net.ParseCIDR(p.CIDR)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(n, rec(p)); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return path
}
