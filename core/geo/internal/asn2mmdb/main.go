// Command asn2mmdb converts ip-location-db ASN CSV files (start,end,asn,org
// per line) into a GeoLite2-ASN compatible MMDB file, which affcore reads
// with geoip2-golang. `make geoip` runs it on the npm package
// @ip-location-db/asn (data: RouteViews and DB-IP, CC BY 4.0).
//
//	go run ./core/geo/internal/asn2mmdb -out asn.mmdb asn-ipv4.csv asn-ipv6.csv
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

func main() {
	out := flag.String("out", "asn.mmdb", "output MMDB file")
	flag.Parse()
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "asn2mmdb:", err)
		os.Exit(1)
	}
}

func run(out string, inputs []string) error {
	if len(inputs) == 0 {
		return errors.New("give at least one CSV file")
	}
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-ASN", RecordSize: 28, IncludeReservedNetworks: true,
		Description: map[string]string{"en": "ip-location-db ASN (RouteViews, DB-IP; CC BY 4.0)"}})
	if err != nil {
		return err
	}
	for _, in := range inputs {
		if err := insertFile(tree, in); err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
	}
	tmp := out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := tree.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

func insertFile(tree *mmdbwriter.Tree, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec) < 3 {
			continue
		}
		start, end := net.ParseIP(rec[0]), net.ParseIP(rec[1])
		asn, err := strconv.ParseUint(rec[2], 10, 32)
		if start == nil || end == nil || err != nil {
			continue // a header or a malformed line
		}
		value := mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(asn)}
		if len(rec) > 3 {
			value["autonomous_system_organization"] = mmdbtype.String(rec[3])
		}
		if err := tree.InsertRange(start, end, value); err != nil && !strings.Contains(err.Error(), "aliased network") {
			return err // ranges inside IPv4 aliases (e.g. Teredo) are answered through the IPv4 tree
		}
	}
}
