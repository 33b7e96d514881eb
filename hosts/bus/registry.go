package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/core/plugin"
	"github.com/affcore/affcore/hosts"
)

// chunk bounds one artifact reply (NATS's default max payload is 1 MiB).
const chunk = 512 << 10

// ServeRegistry answers remote hosts' registry requests from src (the
// core's plugin service): a tenant's enabled installations with their
// secrets, and artifacts in chunks. The replies carry secrets: in a cluster,
// protect the bus with TLS and credentials (only the core and plugin hosts
// should be able to request on these subjects).
func ServeRegistry(nc *nats.Conn, src hosts.Source) (func(), error) {
	rt, err := nc.QueueSubscribe(SubjectRuntime, "affcore-registry", func(m *nats.Msg) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rts, err := src.Runtime(ctx, core.TenantID(m.Data))
		reply(m, rts, err)
	})
	if err != nil {
		return nil, err
	}
	art, err := nc.QueueSubscribe(SubjectArtifact, "affcore-registry", func(m *nats.Msg) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		serveChunk(ctx, m, src)
	})
	if err != nil {
		_ = rt.Unsubscribe()
		return nil, err
	}
	stop := func() { _ = rt.Unsubscribe(); _ = art.Unsubscribe() }
	if err := nc.Flush(); err != nil { // the server knows the subscriptions when we return
		stop()
		return nil, err
	}
	return stop, nil
}

func reply(m *nats.Msg, v any, err error) {
	out := &nats.Msg{Header: nats.Header{}}
	if err != nil {
		out.Header.Set("Affcore-Error", err.Error())
	} else {
		out.Data, _ = json.Marshal(v)
	}
	_ = m.RespondMsg(out)
}

func serveChunk(ctx context.Context, m *nats.Msg, src hosts.Source) {
	sha := m.Header.Get("Affcore-SHA256")
	off, _ := strconv.Atoi(m.Header.Get("Affcore-Offset"))
	b, err := src.Artifact(ctx, sha)
	out := &nats.Msg{Header: nats.Header{}}
	switch {
	case err != nil:
		out.Header.Set("Affcore-Error", err.Error())
	case off < 0 || off > len(b):
		out.Header.Set("Affcore-Error", "offset out of range")
	default:
		out.Header.Set("Affcore-Size", strconv.Itoa(len(b)))
		out.Data = b[off:min(off+chunk, len(b))]
	}
	_ = m.RespondMsg(out)
}

// RemoteSource is a hosts.Source that reads the core's registry over NATS
// (what `affcore host` uses).
type RemoteSource struct{ nc *nats.Conn }

// NewRemoteSource returns a RemoteSource on nc.
func NewRemoteSource(nc *nats.Conn) *RemoteSource { return &RemoteSource{nc: nc} }

// Runtime implements hosts.Source.
func (s *RemoteSource) Runtime(ctx context.Context, tenant core.TenantID) ([]plugin.Runtime, error) {
	res, err := s.nc.RequestWithContext(ctx, SubjectRuntime, []byte(tenant))
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	if e := res.Header.Get("Affcore-Error"); e != "" {
		return nil, errors.New("registry: " + e)
	}
	var rts []plugin.Runtime
	if err := json.Unmarshal(res.Data, &rts); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return rts, nil
}

// Artifact implements hosts.Source.
func (s *RemoteSource) Artifact(ctx context.Context, sha string) ([]byte, error) {
	var out []byte
	for {
		req := &nats.Msg{Subject: SubjectArtifact, Header: nats.Header{}}
		req.Header.Set("Affcore-SHA256", sha)
		req.Header.Set("Affcore-Offset", strconv.Itoa(len(out)))
		res, err := s.nc.RequestMsgWithContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("artifact %s: %w", sha, err)
		}
		if e := res.Header.Get("Affcore-Error"); e != "" {
			return nil, fmt.Errorf("artifact %s: %s", sha, e)
		}
		size, _ := strconv.Atoi(res.Header.Get("Affcore-Size"))
		out = append(out, res.Data...)
		if len(out) >= size || len(res.Data) == 0 {
			return out, nil
		}
	}
}

// Interface guard.
var _ hosts.Source = (*RemoteSource)(nil)
