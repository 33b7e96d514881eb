package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/stats"
)

// parseStatsQuery reads from, to (RFC 3339 or YYYY-MM-DD; default the last
// 7 days), group_by (comma-separated) and currency.
func parseStatsQuery(r *http.Request, now time.Time) (stats.Query, error) {
	v := r.URL.Query()
	var val core.Validator
	q := stats.Query{To: now, Currency: "USD"}
	q.From = now.Add(-7 * 24 * time.Hour)
	if s := v.Get("from"); s != "" {
		t, ok := parseTime(s)
		val.Check(ok, "from", "must be a date (2026-01-31) or an RFC 3339 time")
		q.From = t
	}
	if s := v.Get("to"); s != "" {
		t, ok := parseTime(s)
		val.Check(ok, "to", "must be a date (2026-01-31) or an RFC 3339 time")
		q.To = t
	}
	if s := v.Get("group_by"); s != "" {
		for _, d := range strings.Split(s, ",") {
			q.GroupBy = append(q.GroupBy, stats.Dim(strings.TrimSpace(d)))
		}
	}
	if s := v.Get("currency"); s != "" {
		c, err := core.ParseCurrency(s)
		val.Check(err == nil, "currency", "must be a currency code such as USD")
		q.Currency = c
	}
	f := v.Get("format")
	val.Check(f == "" || f == "json" || f == "csv", "format", "must be json or csv")
	return q, val.Err()
}

// parseTime reads a date (a whole UTC day starts there) or an RFC 3339 time.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err == nil
}

// statsRow renders a row as JSON: the group keys by dimension name, then the
// figures. Partners see their own payout and no advertiser revenue.
func statsRow(groupBy []stats.Dim, r stats.Row, partner bool) map[string]any {
	m := make(map[string]any, len(groupBy)+8)
	for i, d := range groupBy {
		m[string(d)] = r.Keys[i]
	}
	m["clicks"], m["unique_clicks"], m["conversions"] = r.Clicks, r.UniqueClicks, r.Conversions
	m["payout"], m["cr"] = r.Payout, r.CR
	if partner {
		m["epc"] = epc(r.Payout, r.Clicks)
		return m
	}
	m["revenue"], m["profit"], m["epc"] = r.Revenue, r.Profit, r.EPC
	return m
}

func epc(amount core.Decimal, clicks int64) core.Decimal {
	if clicks == 0 {
		return core.Zero
	}
	e, _ := amount.Div(core.DecimalFromInt(clicks))
	return e.RoundTo(4)
}

// handleStats serves GET /api/v1/stats (the tenant's figures) and GET
// /api/v1/me/stats (partner: only the caller's own traffic, without the
// advertiser's revenue). format=csv answers a CSV download.
func (s *Server) handleStats(st *stats.Service, partner bool) http.HandlerFunc {
	if st == nil {
		return s.unavailable("stats")
	}
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		q, err := parseStatsQuery(r, time.Now().UTC())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if partner {
			q.PartnerID = p.PartnerID
		}
		rows, err := st.Query(r.Context(), p.TenantID, q)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if r.URL.Query().Get("format") == "csv" {
			s.writeStatsCSV(w, r, q, rows, partner)
			return
		}
		items := make([]map[string]any, 0, len(rows))
		for _, row := range rows {
			items = append(items, statsRow(q.GroupBy, row, partner))
		}
		respond(w, http.StatusOK, list[map[string]any]{Items: items})
	}
}

func (s *Server) writeStatsCSV(w http.ResponseWriter, r *http.Request, q stats.Query, rows []stats.Row, partner bool) {
	if partner {
		for i := range rows { // partners never see the advertiser's revenue
			rows[i].Revenue, rows[i].Profit, rows[i].EPC = core.Zero, core.Zero, epc(rows[i].Payout, rows[i].Clicks)
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="stats.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := stats.WriteCSV(w, q.GroupBy, rows); err != nil {
		s.log.WarnContext(r.Context(), "write stats csv", "err", err)
	}
}
