package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/commission"
	"github.com/affcore/affcore/core/event"
	"github.com/affcore/affcore/core/ledger"
	"github.com/affcore/affcore/core/natsbus"
	"github.com/affcore/affcore/core/payout"
	"github.com/affcore/affcore/core/postgres"
)

// money is the ledger-and-payouts area wired together: the ledger, the
// commission flow (models through the commission hook) and payouts.
type money struct {
	ledger     *ledger.Service
	commission *commission.Service
	payouts    *payout.Service
	log        *slog.Logger
}

// newMoney builds the area's services on db; model decides commissions and
// bus receives CommissionDecided.
func newMoney(db *postgres.DB, bus event.Publisher, model commission.Model, clock core.Clock, rails []payout.Rail, log *slog.Logger) *money {
	led := ledger.NewService(postgres.NewLedgerStore(db), clock)
	pay := payout.NewService(postgres.NewPayoutStore(db), payoutLedger{led}, rails, clock, log)
	com := commission.NewService(commission.Deps{Store: postgres.NewCommissionStore(db), Ledger: commissionLedger{led},
		Model: model, Offers: postgres.NewOfferPayouts(db), Settings: pay, Bus: bus, Clock: clock})
	return &money{ledger: led, commission: com, payouts: pay, log: log}
}

// conversionConsumer is the durable consumer of ConversionChanged that
// books commissions; every node shares it. Booking mostly waits on
// PostgreSQL, so a node books four conversions at once (bookings of one
// partner still serialize on its lock); one conversion's transitions stay
// in order.
func conversionConsumer() natsbus.ConsumerConfig {
	return natsbus.ConsumerConfig{Stream: event.EventsStream.Name, Durable: "ledger-commission",
		Subjects: []string{event.AllTenants(event.ConversionChanged)}, Workers: 4, OrderKey: event.ConversionOfMsgID}
}

// handleConversion decodes a ConversionChanged message and books it. Bad
// payloads can never succeed and are dropped (logged); every other failure
// is retried by the bus: money is never guessed.
func (m *money) handleConversion(ctx context.Context, _ string, data []byte) error {
	var ev event.Conversion
	if err := json.Unmarshal(data, &ev); err != nil {
		return natsbus.Permanent(fmt.Errorf("decode conversion: %w", err))
	}
	err := m.commission.Handle(ctx, ev)
	if core.KindOf(err) == core.KindInvalid {
		return natsbus.Permanent(err)
	}
	return err
}

// moneyTick is how often the scheduler releases holds, sends payouts, closes
// periods and makes scheduled payout requests.
const moneyTick = 15 * time.Second

// start runs the conversion consumer and the money scheduler until ctx is
// done; the returned wait blocks until both have stopped.
func (m *money) start(ctx context.Context, bus *natsbus.Bus) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := bus.Consume(ctx, conversionConsumer(), m.handleConversion); err != nil {
			m.log.Error("conversion consumer stopped", "err", err)
		}
	})
	wg.Go(func() {
		t := time.NewTicker(moneyTick)
		defer t.Stop()
		for {
			m.tick(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return wg.Wait
}

// tick runs one round of scheduled money work; each step logs its own
// failure and the next tick retries it.
func (m *money) tick(ctx context.Context) {
	if n, err := m.commission.ReleaseDue(ctx, 500); err != nil {
		m.log.Warn("release holds", "err", err, "released", n)
	}
	if _, err := m.payouts.SendDue(ctx, 100); err != nil {
		m.log.Warn("send payouts", "err", err)
	}
	if _, err := m.commission.CloseDue(ctx); err != nil {
		m.log.Warn("close commission periods", "err", err)
	}
	if err := m.payouts.RunSchedule(ctx); err != nil {
		m.log.Warn("scheduled payouts", "err", err)
	}
}
