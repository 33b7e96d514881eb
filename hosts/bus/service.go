package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
)

// Host serves hook calls of one tenant (a dedicated host) from a local
// Caller as a NATS micro service, and announces itself with heartbeats so
// the core routes the tenant's calls here.
type Host struct {
	nc     *nats.Conn
	svc    micro.Service
	tenant core.TenantID
	id     string
	log    *slog.Logger
	stop   chan struct{}
	wg     sync.WaitGroup
}

// HeartbeatInterval is how often a dedicated host announces itself; the
// core forgets a host after three missed beats.
const HeartbeatInterval = time.Second

type beat struct {
	Tenant core.TenantID `json:"tenant"`
	Host   string        `json:"host"`
}

// Serve starts the micro service for tenant's hook calls on nc.
func Serve(nc *nats.Conn, tenant core.TenantID, local hosts.Caller, log *slog.Logger) (*Host, error) {
	h := &Host{nc: nc, tenant: tenant, id: core.NewID("hst"), log: log, stop: make(chan struct{})}
	svc, err := micro.AddService(nc, micro.Config{
		Name: ServiceName, Version: "1.0.0", Description: "affcore plugin host for tenant " + string(tenant),
		Metadata: map[string]string{"tenant": string(tenant), "abi": abi.Version, "host": h.id},
		// Requests are served by NATS's callback goroutine per subscription;
		// a queue group lets several hosts share one tenant.
		QueueGroup: "affcore-plugin-host-" + string(tenant),
	})
	if err != nil {
		return nil, fmt.Errorf("plugin host service: %w", err)
	}
	h.svc = svc
	err = svc.AddEndpoint("call", micro.HandlerFunc(func(r micro.Request) { h.handle(r, local) }),
		micro.WithEndpointSubject(CallSubject(tenant)))
	if err != nil {
		_ = svc.Stop()
		return nil, fmt.Errorf("plugin host endpoint: %w", err)
	}
	if err := nc.Flush(); err != nil {
		_ = svc.Stop()
		return nil, err
	}
	h.wg.Add(1)
	go h.heartbeat()
	return h, nil
}

// handle serves one call. The answer is always an ABI envelope: the result,
// or the error with its code and retryability.
func (h *Host) handle(r micro.Request, local hosts.Caller) {
	hook := r.Headers().Get(HeaderHook)
	ctx, cancel := context.WithTimeout(context.Background(), hosts.DefaultLimits(hosts.ClassOf(hook)).Timeout+time.Second)
	defer cancel()
	out, err := local.Call(ctx, h.tenant, hook, r.Data())
	if err != nil {
		ce := hosts.AsCallError(err)
		_ = r.Respond(abi.AppendError(nil, abi.Error{Code: ce.Code, Message: ce.Message, Retryable: ce.Retryable}))
		return
	}
	_ = r.Respond(abi.AppendOK(nil, out))
}

func (h *Host) heartbeat() {
	defer h.wg.Done()
	b, _ := json.Marshal(beat{Tenant: h.tenant, Host: h.id})
	t := time.NewTicker(HeartbeatInterval)
	defer t.Stop()
	for {
		_ = h.nc.Publish(SubjectHeartbeat, b)
		select {
		case <-t.C:
		case <-h.stop:
			_ = h.nc.Publish(SubjectDown, b)
			_ = h.nc.Flush()
			return
		}
	}
}

// Stop announces the host's departure and stops serving (in-flight calls
// finish).
func (h *Host) Stop() error {
	close(h.stop)
	h.wg.Wait()
	return h.svc.Stop()
}
