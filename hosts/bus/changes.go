package bus

import (
	"context"
	"encoding/json"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/plugin"
)

// change is the SubjectChanged payload.
type change struct {
	Tenant         core.TenantID `json:"tenant"`
	InstallationID string        `json:"installation_id"`
}

// Notifier announces installation changes on the bus. It implements
// plugin.Notifier.
type Notifier struct{ nc *nats.Conn }

// NewNotifier returns a Notifier on nc.
func NewNotifier(nc *nats.Conn) *Notifier { return &Notifier{nc: nc} }

// InstallationChanged implements plugin.Notifier. Core NATS delivery is at
// most once; hosts' cache TTL covers a lost announcement.
func (n *Notifier) InstallationChanged(_ context.Context, tenant core.TenantID, id string) error {
	b, _ := json.Marshal(change{Tenant: tenant, InstallationID: id})
	if err := n.nc.Publish(SubjectChanged, b); err != nil {
		return err
	}
	return n.nc.Flush()
}

// OnChange calls fn for every announced change (every node subscribes and
// drops its cached installations and loaded plugins).
func OnChange(nc *nats.Conn, fn func(tenant core.TenantID, installationID string)) (func(), error) {
	sub, err := nc.Subscribe(SubjectChanged, func(m *nats.Msg) {
		var c change
		if json.Unmarshal(m.Data, &c) == nil && c.Tenant != "" {
			fn(c.Tenant, c.InstallationID)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := nc.Flush(); err != nil {
		_ = sub.Unsubscribe()
		return nil, err
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Interface guard.
var _ plugin.Notifier = (*Notifier)(nil)
