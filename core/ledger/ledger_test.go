package ledger

import (
	"math/big"
	"testing"

	"github.com/affcore/affcore/core"
)

func d(s string) core.Decimal { return core.MustParseDecimal(s) }

func acc(kind AccountKind) Account { return Account{PartnerID: "prt_1", Kind: kind, Currency: "USD"} }

func TestTxn_Validate(t *testing.T) {
	ok := Txn{Key: "k", Entries: []Entry{{Account: acc(Pending), Amount: d("10")}, {Account: acc(Cost), Amount: d("-10")}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]Txn{
		"unbalanced":    {Key: "k", Entries: []Entry{{Account: acc(Pending), Amount: d("10")}, {Account: acc(Cost), Amount: d("-9.99999999")}}},
		"one entry":     {Key: "k", Entries: []Entry{{Account: acc(Pending), Amount: d("10")}}},
		"no key":        {Entries: ok.Entries},
		"zero entry":    {Key: "k", Entries: []Entry{{Account: acc(Pending), Amount: d("0")}, {Account: acc(Cost), Amount: d("0")}}},
		"unknown kind":  {Key: "k", Entries: []Entry{{Account: acc("wallet"), Amount: d("1")}, {Account: acc(Cost), Amount: d("-1")}}},
		"spill on hold": {Key: "k", Entries: []Entry{{Account: acc(Hold), Amount: d("1"), Spill: true}, {Account: acc(Cost), Amount: d("-1")}}},
		"partner account without partner": {Key: "k", Entries: []Entry{{Account: Account{Kind: Available, Currency: "USD"}, Amount: d("1")},
			{Account: acc(Cost), Amount: d("-1")}}},
		"balanced across currencies only": {Key: "k", Entries: []Entry{{Account: acc(Pending), Amount: d("1")},
			{Account: Account{PartnerID: "prt_1", Kind: Cost, Currency: "EUR"}, Amount: d("-1")}}},
	}
	for name, tx := range bad {
		if err := tx.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestExpand_Spill(t *testing.T) {
	cases := []struct {
		name               string
		amount             string
		available, carried string
		wantAvail, wantCO  string
	}{
		{"debit within balance", "-5", "8", "0", "-5", ""},
		{"debit beyond balance spills", "-5", "3", "0", "-3", "-2"},
		{"debit on empty goes to carryover", "-5", "0", "-1", "", "-5"},
		{"credit repays carryover first", "5", "0", "-2", "3", "2"},
		{"credit smaller than debt", "5", "0", "-9", "", "5"},
		{"credit without debt", "5", "1", "0", "5", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tx := Txn{Key: "k", Entries: []Entry{{Account: acc(Available), Amount: d(tc.amount), Spill: true},
				{Account: acc(Cost), Amount: d(tc.amount).Neg()}}}
			out, err := Expand(tx, map[Account]core.Decimal{acc(Available): d(tc.available), acc(Carryover): d(tc.carried)})
			if err != nil {
				t.Fatal(err)
			}
			got := map[AccountKind]string{}
			for _, e := range out {
				got[e.Account.Kind] = e.Amount.String()
			}
			if got[Available] != fmtOpt(tc.wantAvail) || got[Carryover] != fmtOpt(tc.wantCO) {
				t.Fatalf("entries %v; want available %q carryover %q", got, tc.wantAvail, tc.wantCO)
			}
			if err := (Txn{Key: "k", Entries: out}).Validate(); err != nil {
				t.Fatalf("expanded transaction: %v", err)
			}
			for i := 1; i < len(out); i++ {
				if out[i].Amount.Cmp(out[i-1].Amount) > 0 {
					t.Fatalf("entries not credits first: %v", out)
				}
			}
		})
	}
}

func fmtOpt(s string) string {
	if s == "" {
		return ""
	}
	return d(s).String()
}

func TestMulRat_RoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct{ amount, rate, want string }{
		{"10", "1.08", "10.80"},
		{"0.125", "1", "0.13"},
		{"-0.125", "1", "-0.13"},
		{"100", "0.333333333333333333", "33.33"},
	}
	for _, c := range cases {
		r, _ := new(big.Rat).SetString(c.rate)
		got, err := mulRat(d(c.amount), r, 2)
		if err != nil || got != d(c.want) {
			t.Errorf("%s × %s = %s, %v; want %s", c.amount, c.rate, got, err, c.want)
		}
	}
	if Places("USDT") != 8 || Places("JPY") != 0 || Places("EUR") != 2 || Places("KWD") != 3 {
		t.Fatal("minor units table")
	}
}
