package hook

import "github.com/affcore/affcore/pdk/go/wire"

// PayoutVersion is the current schema version of the payout rail hooks.
const PayoutVersion = 1

// Payout statuses a rail reports.
const (
	PayoutPending    = "pending"    // accepted by the rail, not yet processed
	PayoutProcessing = "processing" // on its way (e.g. broadcast, awaiting confirmations)
	PayoutCompleted  = "completed"  // paid
	PayoutFailed     = "failed"     // will not be paid; the ledger releases the amount
	PayoutCancelled  = "cancelled"
)

// PayoutInput asks a payout rail (an exchange withdrawal, a bank API) to pay
// one payout. The rail's credentials come from the installation's secrets.
// Retries carry the same IdempotencyKey; the plugin must make sure a retry
// never pays twice (query by the key before sending again).
type PayoutInput struct {
	SchemaVersion int
	Payout        Payout
}

// Payout is one payout to a partner.
type Payout struct {
	ID             string
	IdempotencyKey string
	PartnerID      string
	Amount         string // decimal
	Currency       string // e.g. USDT
	Address        string
	Network        string // e.g. TRX, ETH, BSC
	Memo           string // memo or tag for networks that need one
}

// PayoutStatusInput asks a rail for the current status of an earlier payout.
type PayoutStatusInput struct {
	SchemaVersion  int
	PayoutID       string
	IdempotencyKey string
	RailTxID       string
}

// PayoutResult is a rail's answer to a payout or a status query.
type PayoutResult struct {
	RailTxID    string
	Status      string // one of the Payout* statuses
	TxHash      string // on-chain hash once known
	Fee         string // decimal, in FeeCurrency
	FeeCurrency string
	Message     string
}

// AppendMsg implements Encoder.
func (p PayoutInput) AppendMsg(b []byte) []byte {
	o := p.Payout
	b = wire.AppendMapHeader(b, 2)
	b = kint(b, "schema_version", version(p.SchemaVersion, PayoutVersion))
	b = wire.AppendMapHeader(wire.AppendString(b, "payout"), 8)
	b = kstr(b, "id", o.ID)
	b = kstr(b, "idempotency_key", o.IdempotencyKey)
	b = kstr(b, "partner_id", o.PartnerID)
	b = kstr(b, "amount", o.Amount)
	b = kstr(b, "currency", o.Currency)
	b = kstr(b, "address", o.Address)
	b = kstr(b, "network", o.Network)
	return kstr(b, "memo", o.Memo)
}

// UnmarshalMsg implements Decoder.
func (p *PayoutInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "schema_version":
			p.SchemaVersion = int(r.Int())
		case "payout":
			p.Payout.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (o *Payout) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "id":
			o.ID = r.String()
		case "idempotency_key":
			o.IdempotencyKey = r.String()
		case "partner_id":
			o.PartnerID = r.String()
		case "amount":
			o.Amount = r.String()
		case "currency":
			o.Currency = r.String()
		case "address":
			o.Address = r.String()
		case "network":
			o.Network = r.String()
		case "memo":
			o.Memo = r.String()
		default:
			r.Skip()
		}
	}
}

// AppendMsg implements Encoder.
func (p PayoutStatusInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 4)
	b = kint(b, "schema_version", version(p.SchemaVersion, PayoutVersion))
	b = kstr(b, "payout_id", p.PayoutID)
	b = kstr(b, "idempotency_key", p.IdempotencyKey)
	return kstr(b, "rail_tx_id", p.RailTxID)
}

// UnmarshalMsg implements Decoder.
func (p *PayoutStatusInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "schema_version":
			p.SchemaVersion = int(r.Int())
		case "payout_id":
			p.PayoutID = r.String()
		case "idempotency_key":
			p.IdempotencyKey = r.String()
		case "rail_tx_id":
			p.RailTxID = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}

// AppendMsg implements Encoder.
func (p PayoutResult) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 6)
	b = kstr(b, "rail_tx_id", p.RailTxID)
	b = kstr(b, "status", p.Status)
	b = kstr(b, "tx_hash", p.TxHash)
	b = kstr(b, "fee", p.Fee)
	b = kstr(b, "fee_currency", p.FeeCurrency)
	return kstr(b, "message", p.Message)
}

// UnmarshalMsg implements Decoder.
func (p *PayoutResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "rail_tx_id":
			p.RailTxID = r.String()
		case "status":
			p.Status = r.String()
		case "tx_hash":
			p.TxHash = r.String()
		case "fee":
			p.Fee = r.String()
		case "fee_currency":
			p.FeeCurrency = r.String()
		case "message":
			p.Message = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
