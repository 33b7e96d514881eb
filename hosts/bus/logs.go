package bus

import (
	"encoding/json"

	"github.com/nats-io/nats.go"

	"github.com/affcore/affcore/core"
	"github.com/affcore/affcore/hosts"
)

// SubjectLog prefixes plugin log lines: affcore.plugins.log.<tenant>.
const SubjectLog = subjectPrefix + "log."

// logLine is a log entry on the bus (LogEntry keeps its tenant out of JSON).
type logLine struct {
	Tenant core.TenantID  `json:"tenant"`
	Entry  hosts.LogEntry `json:"entry"`
}

// LogPublisher sends plugin log lines to the bus, so that every core node —
// whichever answers the API — sees the lines of every host, dedicated hosts
// included. It implements hosts.LogSink. Delivery is at most once: a log.
type LogPublisher struct{ nc *nats.Conn }

// NewLogPublisher returns a LogPublisher on nc.
func NewLogPublisher(nc *nats.Conn) *LogPublisher { return &LogPublisher{nc: nc} }

// Write implements hosts.LogSink.
func (p *LogPublisher) Write(e hosts.LogEntry) {
	b, err := json.Marshal(logLine{Tenant: e.Tenant, Entry: e})
	if err == nil {
		_ = p.nc.Publish(SubjectLog+string(e.Tenant), b)
	}
}

// FeedLogs writes every plugin log line published on the bus into sink (a
// node's hosts.LogBook).
func FeedLogs(nc *nats.Conn, sink hosts.LogSink) (func(), error) {
	sub, err := nc.Subscribe(SubjectLog+"*", func(m *nats.Msg) {
		var l logLine
		if json.Unmarshal(m.Data, &l) == nil && l.Tenant != "" {
			l.Entry.Tenant = l.Tenant
			sink.Write(l.Entry)
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
var _ hosts.LogSink = (*LogPublisher)(nil)
