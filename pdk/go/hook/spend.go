package hook

import "github.com/affcore/affcore/pdk/go/wire"

// SpendSyncVersion is the current schema version of the spend sync hook.
const SpendSyncVersion = 1

// SpendInput asks an ad-spend plugin (Meta Ads Insights, TikTok reporting,
// Google Ads) for daily spend per campaign in a date range. The account and
// credentials come from the installation's config and secrets. Large ranges
// are paged: the plugin returns NextCursor and is called again with it.
type SpendInput struct {
	SchemaVersion int
	From          string // YYYY-MM-DD, inclusive, in the ad account's timezone
	To            string // YYYY-MM-DD, inclusive
	Cursor        string // empty on the first call
}

// SpendResult is one page of cost rows.
type SpendResult struct {
	Rows       []SpendRow
	NextCursor string // empty when done
}

// SpendRow is one campaign-day of spend.
type SpendRow struct {
	Date         string // YYYY-MM-DD
	CampaignID   string // the ad platform's campaign id
	CampaignName string
	Spend        string // decimal
	Currency     string
}

// AppendMsg implements Encoder.
func (s SpendInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 4)
	b = kint(b, fSchemaVersion, version(s.SchemaVersion, SpendSyncVersion))
	b = kstr(b, fFrom, s.From)
	b = kstr(b, fTo, s.To)
	return kstr(b, fCursor, s.Cursor)
}

// UnmarshalMsg implements Decoder.
func (s *SpendInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			s.SchemaVersion = int(r.Int())
		case fFrom:
			s.From = r.String()
		case fTo:
			s.To = r.String()
		case fCursor:
			s.Cursor = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}

// AppendMsg implements Encoder.
func (s SpendResult) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 2)
	b = wire.AppendArrayHeader(wire.AppendInt(b, fRows), len(s.Rows))
	for _, row := range s.Rows {
		b = wire.AppendMapHeader(b, 5)
		b = kstr(b, fDate, row.Date)
		b = kstr(b, fCampaignID, row.CampaignID)
		b = kstr(b, fCampaignName, row.CampaignName)
		b = kstr(b, fSpend, row.Spend)
		b = kstr(b, fCurrency, row.Currency)
	}
	return kstr(b, fNextCursor, s.NextCursor)
}

// UnmarshalMsg implements Decoder.
func (s *SpendResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fRows:
			m := r.ArrayHeader()
			s.Rows = make([]SpendRow, 0, m)
			for i := 0; i < m && r.Err() == nil; i++ {
				s.Rows = append(s.Rows, readSpendRow(r))
			}
		case fNextCursor:
			s.NextCursor = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func readSpendRow(r *wire.Reader) SpendRow {
	var row SpendRow
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fDate:
			row.Date = r.String()
		case fCampaignID:
			row.CampaignID = r.String()
		case fCampaignName:
			row.CampaignName = r.String()
		case fSpend:
			row.Spend = r.String()
		case fCurrency:
			row.Currency = r.String()
		default:
			r.Skip()
		}
	}
	return row
}
