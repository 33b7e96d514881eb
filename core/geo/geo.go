// Package geo looks up the country (with region and city when the database
// has them) and the ASN of an IP address in MaxMind-format (MMDB) databases:
// GeoLite2/GeoIP2 City or Country and ASN files through geoip2-golang, and
// the ip-location-db country files (schema {country_code}) that affcore
// downloads by default.
package geo

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/oschwald/geoip2-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/affcore/affcore/core/click"
)

// DB answers lookups from up to two databases: one for location and one for
// the ASN. Either may be absent. It is safe for concurrent use.
//
// Locations are decoded into a record of only the fields a click keeps: a
// GeoIP2 City record holds names in eight languages for its continent,
// countries, subdivisions and city, and decoding all of them (geoip2's City)
// cost twice the lookup on the click path.
type DB struct {
	location *maxminddb.Reader // GeoIP2/GeoLite2 City or Country, or ip-location-db {country_code}
	asn      *geoip2.Reader    // GeoLite2-ASN (or compatible)
	asnRaw   *maxminddb.Reader // other ASN schemas with autonomous_system_number
}

// Open opens the location database at locPath and the ASN database at
// asnPath; an empty path skips that database.
func Open(locPath, asnPath string) (*DB, error) {
	db := &DB{}
	if locPath != "" {
		if err := db.openLocation(locPath); err != nil {
			return nil, err
		}
	}
	if asnPath != "" {
		if err := db.openASN(asnPath); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func (db *DB) openLocation(path string) error {
	// geoip2 recognises GeoIP2 City and Country databases; any other type is
	// read for the ip-location-db schema.
	r, err := geoip2.Open(path)
	var unknown geoip2.UnknownDatabaseTypeError
	if err != nil && !errors.As(err, &unknown) {
		return fmt.Errorf("open GeoIP database %s: %w", path, err)
	}
	if err == nil {
		_ = r.Close()
	}
	raw, err := maxminddb.Open(path)
	if err != nil {
		return fmt.Errorf("open GeoIP database %s: %w", path, err)
	}
	db.location = raw
	return nil
}

func (db *DB) openASN(path string) error {
	r, err := geoip2.Open(path)
	if err == nil {
		db.asn = r
		return nil
	}
	raw, err := maxminddb.Open(path)
	if err != nil {
		return fmt.Errorf("open ASN database %s: %w", path, err)
	}
	db.asnRaw = raw
	return nil
}

// Describe says which databases are loaded, for the start-up log.
func (db *DB) Describe() string {
	var parts []string
	if db.location != nil {
		parts = append(parts, db.location.Metadata.DatabaseType)
	}
	if db.asn != nil {
		parts = append(parts, db.asn.Metadata().DatabaseType)
	}
	if db.asnRaw != nil {
		parts = append(parts, db.asnRaw.Metadata.DatabaseType)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// locationRecord is what a click keeps of a location: GeoIP2 City (or
// Country) fields, and the ip-location-db schema's country_code.
type locationRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	CountryCode  string `maxminddb:"country_code"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"subdivisions"`
	City struct {
		Names struct {
			English string `maxminddb:"en"`
		} `maxminddb:"names"`
	} `maxminddb:"city"`
}

// asnRecord is the GeoLite2-ASN schema read without a type check.
type asnRecord struct {
	Number uint `maxminddb:"autonomous_system_number"`
}

// Locate implements click.Locator. Lookups that fail leave fields empty.
func (db *DB) Locate(ip netip.Addr) click.Geo {
	var g click.Geo
	if db.location != nil {
		var rec locationRecord
		if db.location.Lookup(ip).Decode(&rec) == nil {
			g.Country = cmp.Or(rec.Country.ISOCode, strings.ToUpper(rec.CountryCode))
			if len(rec.Subdivisions) > 0 {
				g.Region = rec.Subdivisions[0].ISOCode
			}
			g.City = rec.City.Names.English
		}
	}
	switch {
	case db.asn != nil:
		if a, err := db.asn.ASN(ip); err == nil {
			g.ASN = uint32(a.AutonomousSystemNumber)
		}
	case db.asnRaw != nil:
		var rec asnRecord
		if db.asnRaw.Lookup(ip).Decode(&rec) == nil {
			g.ASN = uint32(rec.Number)
		}
	}
	return g
}

// Close releases the databases.
func (db *DB) Close() {
	if db.asn != nil {
		_ = db.asn.Close()
	}
	for _, r := range []*maxminddb.Reader{db.location, db.asnRaw} {
		if r != nil {
			_ = r.Close()
		}
	}
}

var _ click.Locator = (*DB)(nil)
