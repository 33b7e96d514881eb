package ledger

import "github.com/affcore/affcore/core"

// zeroPlaces and threePlaces are ISO 4217 currencies whose minor unit is not
// the usual cent; cryptoTickers are coins and tokens kept to eight places.
// Immutable tables.
var (
	zeroPlaces   = map[core.Currency]bool{"JPY": true, "KRW": true, "VND": true, "CLP": true, "ISK": true, "UGX": true, "XAF": true, "XOF": true, "PYG": true}
	threePlaces  = map[core.Currency]bool{"BHD": true, "KWD": true, "OMR": true, "JOD": true, "TND": true, "IQD": true, "LYD": true}
	cryptoTicker = map[core.Currency]bool{
		"BTC": true, "ETH": true, "USDT": true, "USDC": true, "LTC": true, "TRX": true, "SOL": true, "TON": true,
		"BNB": true, "XRP": true, "DOGE": true, "DAI": true, "BCH": true, "XLM": true, "ADA": true, "MATIC": true,
		"POL": true, "DOT": true, "AVAX": true, "FDUSD": true,
	}
)

// Places returns the number of fractional digits amounts in c are rounded
// to when a conversion produces them: 2 for most fiat currencies, 0 or 3 for
// a few, 8 for crypto and for any code that is not a 3-letter ISO code.
func Places(c core.Currency) int {
	switch {
	case cryptoTicker[c]:
		return core.Scale
	case zeroPlaces[c]:
		return 0
	case threePlaces[c]:
		return 3
	case len(c) == 3:
		return 2
	}
	return core.Scale
}
