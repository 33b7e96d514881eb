package payout

import (
	"testing"
	"time"

	"github.com/affcore/affcore/core"
)

func TestMethod_Validate(t *testing.T) {
	good := []Method{
		{Kind: MethodCrypto, Currency: "usdt", Network: "trc20", Address: "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"},
		{Kind: MethodCrypto, Currency: "USDC", Network: "ERC20", Address: "0x52908400098527886E0F7030069857D2E4169EE7"},
		{Kind: MethodCrypto, Currency: "BTC", Network: "BTC", Address: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
		{Kind: MethodCrypto, Currency: "XRP", Network: "XRP", Address: "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh", Memo: "123456"},
		{Kind: MethodCrypto, Currency: "TON", Network: "TON", Address: "EQD__________________________________________0vo", Memo: "order 7"},
		{Kind: MethodBank, Currency: "EUR", Details: map[string]string{"account_holder": "Ann", "iban": "DE89 3704 0044 0532 0130 00", "swift": "cobadeffxxx"}},
		{Kind: MethodBank, Currency: "USD", Details: map[string]string{"account_holder": "Ann", "account_number": "000123456789"}},
		{Kind: MethodManual, Currency: "USD", Details: map[string]string{"instructions": "PayPal ann@example.com"}},
	}
	for i := range good {
		if err := good[i].Validate(); err != nil {
			t.Errorf("%+v: %v", good[i], err)
		}
	}
	if good[0].Currency != "USDT" || good[0].Network != "TRC20" || good[5].Details["iban"] != "DE89370400440532013000" {
		t.Fatalf("not normalised: %+v %+v", good[0], good[5])
	}
	bad := map[string]struct {
		m     Method
		field string
	}{
		"kind":             {Method{Kind: "paypal", Currency: "USD"}, "kind"},
		"network":          {Method{Kind: MethodCrypto, Currency: "USDT", Network: "DOGECHAIN", Address: "x"}, "network"},
		"trc20 evm":        {Method{Kind: MethodCrypto, Currency: "USDT", Network: "TRC20", Address: "0x52908400098527886E0F7030069857D2E4169EE7"}, "address"},
		"memo on erc20":    {Method{Kind: MethodCrypto, Currency: "USDT", Network: "ERC20", Address: "0x52908400098527886E0F7030069857D2E4169EE7", Memo: "1"}, "memo"},
		"xrp tag":          {Method{Kind: MethodCrypto, Currency: "XRP", Network: "XRP", Address: "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh", Memo: "abc"}, "memo"},
		"iban checksum":    {Method{Kind: MethodBank, Currency: "EUR", Details: map[string]string{"account_holder": "A", "iban": "DE89370400440532013001"}}, "details.iban"},
		"no holder":        {Method{Kind: MethodBank, Currency: "EUR", Details: map[string]string{"iban": "DE89370400440532013000"}}, "details.account_holder"},
		"bad swift":        {Method{Kind: MethodBank, Currency: "EUR", Details: map[string]string{"account_holder": "A", "iban": "DE89370400440532013000", "swift": "X"}}, "details.swift"},
		"manual no text":   {Method{Kind: MethodManual, Currency: "USD", Details: map[string]string{}}, "details.instructions"},
		"currency":         {Method{Kind: MethodManual, Currency: "$", Details: map[string]string{"instructions": "x"}}, "currency"},
		"manual + address": {Method{Kind: MethodManual, Currency: "USD", Address: "x", Details: map[string]string{"instructions": "x"}}, "address"},
	}
	for name, c := range bad {
		err := c.m.Validate()
		found := false
		for _, f := range core.FieldsOf(err) {
			found = found || f.Field == c.field
		}
		if !found {
			t.Errorf("%s: %v; want an error on %s", name, err, c.field)
		}
	}
}

func TestSourceCurrency(t *testing.T) {
	usd := core.Money{Amount: core.MustParseDecimal("5"), Currency: "USD"}
	eur := core.Money{Amount: core.MustParseDecimal("7"), Currency: "EUR"}
	cases := []struct {
		asked, method core.Currency
		avail         []core.Money
		want          core.Currency
		field         string
	}{
		{"", "USD", []core.Money{usd, eur}, "USD", ""},
		{"", "USDT", []core.Money{eur}, "EUR", ""},
		{"", "USDT", []core.Money{usd, eur}, "", "currency"},
		{"", "USD", nil, "", "amount"},
		{"eur", "USD", nil, "EUR", ""},
	}
	for _, c := range cases {
		got, err := sourceCurrency(c.asked, c.method, c.avail)
		fields := core.FieldsOf(err)
		if got != c.want || (c.field == "" && err != nil) || (c.field != "" && (len(fields) == 0 || fields[0].Field != c.field)) {
			t.Errorf("sourceCurrency(%q, %q, %v) = %q, %v", c.asked, c.method, c.avail, got, err)
		}
	}
}

// TestPostings_Balance: reserve, release and paid postings balance per
// currency, with and without a currency conversion, and release undoes
// reserve exactly.
func TestPostings_Balance(t *testing.T) {
	for _, p := range []Payout{
		{ID: "pay_1", PartnerID: "p", Amount: core.MustParseDecimal("10"), Currency: "USD", SourceAmount: core.MustParseDecimal("10"), SourceCurrency: "USD"},
		{ID: "pay_2", PartnerID: "p", Amount: core.MustParseDecimal("10.8"), Currency: "USDT", SourceAmount: core.MustParseDecimal("10"), SourceCurrency: "EUR"},
	} {
		res, rel := reservePosting(p), releasePosting(p)
		for _, post := range []Posting{res, rel, paidPosting(p)} {
			sums := map[core.Currency]core.Decimal{}
			for _, e := range post.Entries {
				sums[e.Currency], _ = sums[e.Currency].Add(e.Amount)
			}
			for cur, s := range sums {
				if !s.IsZero() {
					t.Fatalf("%s does not balance in %s: %+v", post.Key, cur, post.Entries)
				}
			}
		}
		for i := range res.Entries {
			if res.Entries[i].Amount != rel.Entries[i].Amount.Neg() || res.Entries[i].Spill {
				t.Fatalf("release does not undo reserve: %+v vs %+v", res.Entries, rel.Entries)
			}
		}
	}
}

func TestBackoff(t *testing.T) {
	if backoff(1) != 30*time.Second || backoff(2) != time.Minute || backoff(50) != time.Hour {
		t.Fatalf("backoff: %s %s %s", backoff(1), backoff(2), backoff(50))
	}
}
