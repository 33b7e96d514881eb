package conversion_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/conversion"
)

// TestReceive_ConcurrentBatches sends many postbacks at once, so that they
// are written in batches: new conversions (ingested clicks), repeats of the
// same tx_id racing each other, clicks still only in the stream and an
// unknown click. Each conversion is created once, answered, logged and
// published once, exactly as one postback at a time would be.
func TestReceive_ConcurrentBatches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	stored := make([]string, 60)
	for i := range stored {
		stored[i] = e.click(t, "")
	}
	e.drain(t)
	streamOnly := []string{e.click(t, ""), e.click(t, "")} // maybe not ingested yet
	var sends []txSend
	for i, id := range append(stored, streamOnly...) {
		sends = append(sends, txSend{id, fmt.Sprint("T", i)})
		if i%6 == 0 {
			sends = append(sends, txSend{id, fmt.Sprint("T", i)}) // the same conversion again, at the same time
		}
	}
	results := make([]conversion.Outcome, len(sends))
	var wg sync.WaitGroup
	for i, s := range sends {
		wg.Go(func() {
			out, err := e.postback("click_id="+s.click+"&payout=2&tx_id="+s.tx, "198.51.100.7")
			if err != nil {
				t.Errorf("%s: %v", s.tx, err)
			}
			results[i] = out
		})
	}
	if _, err := e.postback("click_id="+core.NewID("clk"), "198.51.100.7"); core.KindOf(err) != core.KindNotFound {
		t.Errorf("unknown click: %v", err)
	}
	wg.Wait()
	byTx := checkOutcomes(t, sends, results)
	if len(byTx) != len(stored)+len(streamOnly) {
		t.Fatalf("%d conversions answered; want %d", len(byTx), len(stored)+len(streamOnly))
	}
	var convs, transitions int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM conversions WHERE tenant_id=$1`, e.tenant).Scan(&convs)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM conversion_transitions WHERE tenant_id=$1`, e.tenant).Scan(&transitions)
	if convs != len(byTx) || transitions != len(byTx) {
		t.Fatalf("%d conversions, %d transitions; want %d of each", convs, transitions, len(byTx))
	}
	logged := map[string]int{}
	entries, _ := e.svc.Postbacks(ctx, e.tenant, 500, "")
	for _, l := range entries {
		logged[l.Result]++
	}
	if want := map[string]int{conversion.ResultCreated: len(byTx), conversion.ResultDuplicate: len(sends) - len(byTx),
		conversion.ResultUnknownClick: 1}; fmt.Sprint(logged) != fmt.Sprint(want) {
		t.Fatalf("log %v; want %v", logged, want)
	}
	published := map[string]int{}
	for _, ev := range e.events(t) {
		published[ev.ConversionID]++
		if ev.Seq != 1 || ev.CampaignID != e.campaign || ev.Revenue.String() != "2.00" || byTx[ev.TxID] != ev.ConversionID {
			t.Fatalf("event %+v", ev)
		}
	}
	if len(published) != len(byTx) {
		t.Fatalf("%d conversions published; want %d", len(published), len(byTx))
	}
}

// txSend is one postback of a conversion.
type txSend struct{ click, tx string }

// checkOutcomes checks that each tx_id was created exactly once and that
// every repeat was a duplicate of that conversion; it returns the
// conversion id of each tx_id.
func checkOutcomes(t *testing.T, sends []txSend, results []conversion.Outcome) map[string]string {
	t.Helper()
	byTx, created := map[string]string{}, map[string]int{}
	for i, r := range results {
		tx := sends[i].tx
		if id, ok := byTx[tx]; ok && id != r.ConversionID {
			t.Fatalf("%s answered with conversions %s and %s", tx, id, r.ConversionID)
		}
		byTx[tx] = r.ConversionID
		switch r.Result {
		case conversion.ResultCreated:
			created[tx]++
		case conversion.ResultDuplicate:
		default:
			t.Fatalf("%s: result %q", tx, r.Result)
		}
	}
	for tx := range byTx {
		if created[tx] != 1 {
			t.Fatalf("%s created %d times; want once", tx, created[tx])
		}
	}
	return byTx
}
