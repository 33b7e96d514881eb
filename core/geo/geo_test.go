package geo_test

import (
	"net/netip"
	"testing"

	"github.com/affcore/affcore/core/click"
	"github.com/affcore/affcore/core/geo"
	"github.com/affcore/affcore/core/geo/geotest"
)

func TestDB_Locate(t *testing.T) {
	city := geotest.CityDB(t, geotest.Places)
	cc := geotest.CountryCodeDB(t, geotest.Places)
	asn := geotest.ASNDB(t, geotest.Places)
	cases := []struct {
		name, loc, asn, ip string
		want               click.Geo
	}{
		{"city-v4", city, asn, "81.2.69.160", click.Geo{Country: "GB", Region: "ENG", City: "London", ASN: 20712}},
		{"city-v6", city, asn, "2a02:ff0::1", click.Geo{Country: "DE", Region: "BE", City: "Berlin", ASN: 3320}},
		{"country-code-schema", cc, "", "8.8.8.8", click.Geo{Country: "US"}},
		{"mapped-v4-in-v6", cc, asn, "::ffff:8.8.8.8", click.Geo{Country: "US", ASN: 15169}},
		{"unknown-ip", city, asn, "192.0.2.1", click.Geo{}},
		{"no-databases", "", "", "8.8.8.8", click.Geo{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, err := geo.Open(tc.loc, tc.asn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got := db.Locate(netip.MustParseAddr(tc.ip).Unmap()); got != tc.want {
				t.Fatalf("Locate(%s) = %+v; want %+v", tc.ip, got, tc.want)
			}
		})
	}
}

func TestOpen_BadFile(t *testing.T) {
	if _, err := geo.Open("testdata-does-not-exist.mmdb", ""); err == nil {
		t.Fatal("opened a missing file")
	}
}

func BenchmarkLocate(b *testing.B) {
	db, err := geo.Open(geotest.CityDB(b, geotest.Places), geotest.ASNDB(b, geotest.Places))
	if err != nil {
		b.Fatal(err)
	}
	ip := netip.MustParseAddr("81.2.69.160")
	for b.Loop() {
		db.Locate(ip)
	}
}
