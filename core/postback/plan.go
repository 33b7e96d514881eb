package postback

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"time"

	"github.com/affcore/affcore/core/event"
)

// Triggers names a conversion transition for subscriptions: "created" when
// the conversion is new, the new status when it changed (approved,
// rejected, hold, pending), and the conversion's event name ("conversion"
// or a custom one such as "deposit"). An endpoint fires when one of its
// events is among them, or when it lists none.
func Triggers(c event.Conversion) []string {
	var out []string
	if c.PrevStatus == "" {
		out = append(out, EventCreated)
	}
	if c.Status != c.PrevStatus && c.Status != "" {
		out = append(out, c.Status)
	}
	if c.Event != "" && !slices.Contains(out, c.Event) {
		out = append(out, c.Event)
	}
	return out
}

// Matches reports whether e fires for a transition with these triggers.
func (e Endpoint) Matches(triggers []string) bool {
	if !e.Enabled {
		return false
	}
	if len(e.Events) == 0 {
		return true
	}
	for _, t := range triggers {
		if slices.Contains(e.Events, t) {
			return true
		}
	}
	return false
}

// PartnerTargets picks a partner's endpoints for a transition on offerID:
// the offer's overrides that match, or — when none does — the partner's
// global postback if it matches. endpoints are the partner's endpoints.
func PartnerTargets(endpoints []Endpoint, offerID string, triggers []string) []Endpoint {
	var out []Endpoint
	var global *Endpoint
	for i, e := range endpoints {
		switch {
		case e.Kind != KindPartner:
		case e.OfferID == "":
			global = &endpoints[i]
		case e.OfferID == offerID && e.Matches(triggers):
			out = append(out, e)
		}
	}
	if len(out) == 0 && global != nil && global.Matches(triggers) {
		out = append(out, *global)
	}
	return out
}

// PlanPartner returns the partner postback jobs for one CommissionDecided
// event, given the receiving partner's endpoints. Test conversions and
// conversions without a partner produce none.
func PlanPartner(c event.Commission, endpoints []Endpoint, now time.Time) []event.OutgoingPostback {
	cv := c.Conversion
	if cv.PartnerID == "" || cv.Test {
		return nil
	}
	var jobs []event.OutgoingPostback
	for _, e := range PartnerTargets(endpoints, cv.OfferID, Triggers(cv)) {
		if e.PartnerID != cv.PartnerID || e.TenantID != cv.TenantID {
			continue
		}
		j := newJob(e, cv, c.MsgID(), now)
		j.Values = partnerValues(c, j.DeliveryID)
		jobs = append(jobs, j)
	}
	return jobs
}

// PlanWebhooks returns the webhook jobs for one ConversionChanged event,
// given the tenant's webhooks.
func PlanWebhooks(c event.Conversion, webhooks []Endpoint, now time.Time) []event.OutgoingPostback {
	triggers := Triggers(c)
	var jobs []event.OutgoingPostback
	for _, e := range webhooks {
		if e.Kind != KindWebhook || e.TenantID != c.TenantID || !e.Matches(triggers) {
			continue
		}
		j := newJob(e, c, c.MsgID(), now)
		j.Values = webhookValues(c, j.DeliveryID)
		j.Test = c.Test
		jobs = append(jobs, j)
	}
	return jobs
}

func newJob(e Endpoint, c event.Conversion, msgID string, now time.Time) event.OutgoingPostback {
	return event.OutgoingPostback{
		DeliveryID: DeliveryID(e.ID, msgID, c.OccurredAt), TenantID: e.TenantID, Kind: string(e.Kind),
		PartnerID: e.PartnerID, EndpointID: e.ID, ConversionID: c.ConversionID, OfferID: c.OfferID,
		Event: c.Event, Status: c.Status, URL: e.URL, Method: e.Method, Format: e.Format, Sign: e.Sign,
		Attempt: 1, FirstAt: now,
	}
}

// commonValues are the macro values partners and webhooks share.
func commonValues(c event.Conversion, deliveryID string) map[string]string {
	v := map[string]string{
		"click_id": c.ClickID, "conversion_id": c.ConversionID, "status": c.Status, "tx_id": c.TxID,
		"offer_id": c.OfferID, "campaign_id": c.CampaignID, "event": c.Event, "country": c.Country,
		"device": c.Device, "idempotency_id": deliveryID, "partner_id": c.PartnerID,
		"timestamp": strconv.FormatInt(c.OccurredAt.Unix(), 10), "test": boolValue(c.Test),
	}
	for i, s := range c.Subs {
		v["sub"+strconv.Itoa(i+1)] = s
	}
	return v
}

// partnerValues are a partner's macro values: {payout} is the partner's
// commission; the conversion's revenue is deliberately not copied.
func partnerValues(c event.Commission, deliveryID string) map[string]string {
	v := commonValues(c.Conversion, deliveryID)
	v["payout"] = c.Commission.String()
	v["currency"] = string(c.Currency)
	return v
}

// webhookValues are a webhook's macro values, revenue included.
func webhookValues(c event.Conversion, deliveryID string) map[string]string {
	v := commonValues(c, deliveryID)
	v["revenue"] = c.Revenue.String()
	v["currency"] = string(c.Currency)
	v["prev_status"] = c.PrevStatus
	v["source_id"] = c.SourceID
	return v
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// crockford is the id alphabet of core.NewID.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// DeliveryID derives the idempotency id of the delivery of one bus event
// (msgID) to one endpoint. It is deterministic, so a redelivered event
// yields the same id, and shaped like core.NewID ("pbd_" + 26 characters,
// 48 bits of time then 80 bits of hash) so ids sort by event time.
func DeliveryID(endpointID, msgID string, at time.Time) string {
	h := sha256.Sum256([]byte(endpointID + "\x00" + msgID))
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(at.UnixMilli())<<16)
	copy(b[6:], h[:10])
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return "pbd_" + string(out[:])
}
