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
	b = kint(b, fSchemaVersion, version(p.SchemaVersion, PayoutVersion))
	b = wire.AppendMapHeader(wire.AppendInt(b, fPayout), 8)
	b = kstr(b, fID, o.ID)
	b = kstr(b, fIdempotencyKey, o.IdempotencyKey)
	b = kstr(b, fPartnerID, o.PartnerID)
	b = kstr(b, fAmount, o.Amount)
	b = kstr(b, fCurrency, o.Currency)
	b = kstr(b, fAddress, o.Address)
	b = kstr(b, fNetwork, o.Network)
	return kstr(b, fMemo, o.Memo)
}

// UnmarshalMsg implements Decoder.
func (p *PayoutInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			p.SchemaVersion = int(r.Int())
		case fPayout:
			p.Payout.read(r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func (o *Payout) read(r *wire.Reader) {
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fID:
			o.ID = r.String()
		case fIdempotencyKey:
			o.IdempotencyKey = r.String()
		case fPartnerID:
			o.PartnerID = r.String()
		case fAmount:
			o.Amount = r.String()
		case fCurrency:
			o.Currency = r.String()
		case fAddress:
			o.Address = r.String()
		case fNetwork:
			o.Network = r.String()
		case fMemo:
			o.Memo = r.String()
		default:
			r.Skip()
		}
	}
}

// AppendMsg implements Encoder.
func (p PayoutStatusInput) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 4)
	b = kint(b, fSchemaVersion, version(p.SchemaVersion, PayoutVersion))
	b = kstr(b, fPayoutID, p.PayoutID)
	b = kstr(b, fIdempotencyKey, p.IdempotencyKey)
	return kstr(b, fRailTxID, p.RailTxID)
}

// UnmarshalMsg implements Decoder.
func (p *PayoutStatusInput) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fSchemaVersion:
			p.SchemaVersion = int(r.Int())
		case fPayoutID:
			p.PayoutID = r.String()
		case fIdempotencyKey:
			p.IdempotencyKey = r.String()
		case fRailTxID:
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
	b = kstr(b, fRailTxID, p.RailTxID)
	b = kstr(b, fStatus, p.Status)
	b = kstr(b, fTxHash, p.TxHash)
	b = kstr(b, fFee, p.Fee)
	b = kstr(b, fFeeCurrency, p.FeeCurrency)
	return kstr(b, fMessage, p.Message)
}

// UnmarshalMsg implements Decoder.
func (p *PayoutResult) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fRailTxID:
			p.RailTxID = r.String()
		case fStatus:
			p.Status = r.String()
		case fTxHash:
			p.TxHash = r.String()
		case fFee:
			p.Fee = r.String()
		case fFeeCurrency:
			p.FeeCurrency = r.String()
		case fMessage:
			p.Message = r.String()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
