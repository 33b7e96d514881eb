package stats

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes rows as CSV with a header: the group dimensions, then the
// figures. Money is written as exact decimals.
func WriteCSV(w io.Writer, groupBy []Dim, rows []Row) error {
	cw := csv.NewWriter(w)
	head := make([]string, 0, len(groupBy)+8)
	for _, d := range groupBy {
		head = append(head, string(d))
	}
	head = append(head, "clicks", "unique_clicks", "conversions", "revenue", "payout", "profit", "cr", "epc")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rows {
		rec := make([]string, 0, len(head))
		for _, k := range r.Keys {
			rec = append(rec, safeCell(k))
		}
		rec = append(rec, strconv.FormatInt(r.Clicks, 10), strconv.FormatInt(r.UniqueClicks, 10),
			strconv.FormatInt(r.Conversions, 10), r.Revenue.String(), r.Payout.String(), r.Profit.String(),
			r.CR.String(), r.EPC.StringFixed(2))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses spreadsheet formulas in values that came from visitors
// (sub-ids): a leading =, +, - or @ is prefixed with a quote.
func safeCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
