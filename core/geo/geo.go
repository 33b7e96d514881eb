// Package geo looks up the country (with region and city when the database
// has them) and the ASN of an IP address in MaxMind-format (MMDB) databases:
// GeoLite2/GeoIP2 City or Country and ASN files through geoip2-golang, and
// the ip-location-db country files (schema {country_code}) that affcore
// downloads by default.
package geo

import (
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
type DB struct {
	city    *geoip2.Reader    // GeoIP2/GeoLite2 City or Country
	country *maxminddb.Reader // ip-location-db {country_code}
	asn     *geoip2.Reader    // GeoLite2-ASN (or compatible)
	asnRaw  *maxminddb.Reader // other ASN schemas with autonomous_system_number
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
	r, err := geoip2.Open(path)
	if err == nil {
		db.city = r
		return nil
	}
	var unknown geoip2.UnknownDatabaseTypeError
	if !errors.As(err, &unknown) {
		return fmt.Errorf("open GeoIP database %s: %w", path, err)
	}
	raw, err := maxminddb.Open(path)
	if err != nil {
		return fmt.Errorf("open GeoIP database %s: %w", path, err)
	}
	db.country = raw
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
	if db.city != nil {
		parts = append(parts, db.city.Metadata().DatabaseType)
	}
	if db.country != nil {
		parts = append(parts, db.country.Metadata.DatabaseType)
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

// countryRecord is the ip-location-db country schema.
type countryRecord struct {
	CountryCode string `maxminddb:"country_code"`
}

// asnRecord is the GeoLite2-ASN schema read without a type check.
type asnRecord struct {
	Number uint `maxminddb:"autonomous_system_number"`
}

// Locate implements click.Locator. Lookups that fail leave fields empty.
func (db *DB) Locate(ip netip.Addr) click.Geo {
	var g click.Geo
	switch {
	case db.city != nil:
		if c, err := db.city.City(ip); err == nil {
			g.Country = c.Country.ISOCode
			if len(c.Subdivisions) > 0 {
				g.Region = c.Subdivisions[0].ISOCode
			}
			g.City = c.City.Names.English
		}
	case db.country != nil:
		var rec countryRecord
		if db.country.Lookup(ip).Decode(&rec) == nil {
			g.Country = strings.ToUpper(rec.CountryCode)
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
	for _, c := range []interface{ Close() error }{db.city, db.asn} {
		if r, ok := c.(*geoip2.Reader); ok && r != nil {
			_ = r.Close()
		}
	}
	for _, r := range []*maxminddb.Reader{db.country, db.asnRaw} {
		if r != nil {
			_ = r.Close()
		}
	}
}

var _ click.Locator = (*DB)(nil)
