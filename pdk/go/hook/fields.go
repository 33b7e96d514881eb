package hook

// Field numbers. On the wire every contract is a MessagePack map whose keys
// are these numbers (one byte each): decoding switches on an integer instead
// of comparing strings, which matters in a Go guest, where every loop
// iteration has a cost under the host's deadline checks. A name has one
// number across all contracts; new fields take new numbers (never reuse one).
// FieldName maps them back for the JSON view.
const (
	fSchemaVersion   = 1
	fClickID         = 2
	fCampaignID      = 3
	fOfferID         = 4
	fPartnerID       = 5
	fSourceID        = 6
	fIP              = 7
	fUserAgent       = 8
	fReferer         = 9
	fAcceptLanguage  = 10
	fHeaders         = 11
	fCountry         = 12
	fASN             = 13
	fASNOrg          = 14
	fDatacenter      = 15
	fDevice          = 16
	fOS              = 17
	fBrowser         = 18
	fIPClicks1m      = 19
	fIPClicks1h      = 20
	fIPClicks24h     = 21
	fBuiltinScore    = 22
	fBuiltinReasons  = 23
	fTest            = 24
	fAt              = 25
	fScore           = 26
	fReasons         = 27
	fTrigger         = 28
	fConversion      = 29
	fTerms           = 30
	fModel           = 31
	fParams          = 32
	fHistory         = 33
	fID              = 34
	fEvent           = 35
	fStatus          = 36
	fPrevStatus      = 37
	fRevenue         = 38
	fCurrency        = 39
	fOccurredAt      = 40
	fPeriodStart     = 41
	fPeriodEnd       = 42
	fApprovedCount   = 43
	fApprovedRevenue = 44
	fCommissionSoFar = 45
	fCarriedOver     = 46
	fAmounts         = 47
	fKind            = 48
	fAmount          = 49
	fMemo            = 50
	fSettings        = 51
	fURLTemplate     = 52
	fMethod          = 53
	fBodyTemplate    = 54
	fSecret          = 55
	fName            = 56
	fIdempotencyID   = 57
	fConversionID    = 58
	fTxID            = 59
	fPayout          = 60
	fPayoutCurrency  = 61
	fSubs            = 62
	fClickedAt       = 63
	fURL             = 64
	fBody            = 65
	fTimeoutMS       = 66
	fEventID         = 67
	fValue           = 68
	fSourceURL       = 69
	fUser            = 70
	fEmailSHA256     = 71
	fPhoneSHA256     = 72
	fExternalID      = 73
	fClickIDS        = 74
	fDelivered       = 75
	fEventsReceived  = 76
	fMessage         = 77
	fIdempotencyKey  = 78
	fAddress         = 79
	fNetwork         = 80
	fPayoutID        = 81
	fRailTxID        = 82
	fTxHash          = 83
	fFee             = 84
	fFeeCurrency     = 85
	fFrom            = 86
	fTo              = 87
	fCursor          = 88
	fRows            = 89
	fDate            = 90
	fCampaignName    = 91
	fSpend           = 92
	fNextCursor      = 93
	fNegCarryover    = 94
	fFormat          = 95
	fTimestamp       = 96
	fMacros          = 97
)

// fieldNames is indexed by field number.
var fieldNames = [...]string{
	fSchemaVersion:   "schema_version",
	fClickID:         "click_id",
	fCampaignID:      "campaign_id",
	fOfferID:         "offer_id",
	fPartnerID:       "partner_id",
	fSourceID:        "source_id",
	fIP:              "ip",
	fUserAgent:       "user_agent",
	fReferer:         "referer",
	fAcceptLanguage:  "accept_language",
	fHeaders:         "headers",
	fCountry:         "country",
	fASN:             "asn",
	fASNOrg:          "asn_org",
	fDatacenter:      "datacenter",
	fDevice:          "device",
	fOS:              "os",
	fBrowser:         "browser",
	fIPClicks1m:      "ip_clicks_1m",
	fIPClicks1h:      "ip_clicks_1h",
	fIPClicks24h:     "ip_clicks_24h",
	fBuiltinScore:    "builtin_score",
	fBuiltinReasons:  "builtin_reasons",
	fTest:            "test",
	fAt:              "at",
	fScore:           "score",
	fReasons:         "reasons",
	fTrigger:         "trigger",
	fConversion:      "conversion",
	fTerms:           "terms",
	fModel:           "model",
	fParams:          "params",
	fHistory:         "history",
	fID:              "id",
	fEvent:           "event",
	fStatus:          "status",
	fPrevStatus:      "prev_status",
	fRevenue:         "revenue",
	fCurrency:        "currency",
	fOccurredAt:      "occurred_at",
	fPeriodStart:     "period_start",
	fPeriodEnd:       "period_end",
	fApprovedCount:   "approved_count",
	fApprovedRevenue: "approved_revenue",
	fCommissionSoFar: "commission_so_far",
	fCarriedOver:     "carried_over",
	fAmounts:         "amounts",
	fKind:            "kind",
	fAmount:          "amount",
	fMemo:            "memo",
	fSettings:        "settings",
	fURLTemplate:     "url_template",
	fMethod:          "method",
	fBodyTemplate:    "body_template",
	fSecret:          "secret",
	fName:            "name",
	fIdempotencyID:   "idempotency_id",
	fConversionID:    "conversion_id",
	fTxID:            "tx_id",
	fPayout:          "payout",
	fPayoutCurrency:  "payout_currency",
	fSubs:            "subs",
	fClickedAt:       "clicked_at",
	fURL:             "url",
	fBody:            "body",
	fTimeoutMS:       "timeout_ms",
	fEventID:         "event_id",
	fValue:           "value",
	fSourceURL:       "source_url",
	fUser:            "user",
	fEmailSHA256:     "email_sha256",
	fPhoneSHA256:     "phone_sha256",
	fExternalID:      "external_id",
	fClickIDS:        "click_ids",
	fDelivered:       "delivered",
	fEventsReceived:  "events_received",
	fMessage:         "message",
	fIdempotencyKey:  "idempotency_key",
	fAddress:         "address",
	fNetwork:         "network",
	fPayoutID:        "payout_id",
	fRailTxID:        "rail_tx_id",
	fTxHash:          "tx_hash",
	fFee:             "fee",
	fFeeCurrency:     "fee_currency",
	fFrom:            "from",
	fTo:              "to",
	fCursor:          "cursor",
	fRows:            "rows",
	fDate:            "date",
	fCampaignName:    "campaign_name",
	fSpend:           "spend",
	fNextCursor:      "next_cursor",
	fNegCarryover:    "negative_carryover",
	fFormat:          "format",
	fTimestamp:       "timestamp",
	fMacros:          "macros",
}

// FieldName returns the name of a field number ("" when unknown).
func FieldName(n int64) string {
	if n <= 0 || n >= int64(len(fieldNames)) {
		return ""
	}
	return fieldNames[n]
}
