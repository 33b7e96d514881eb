package hosts

import (
	"log/slog"
	"sync"
	"time"

	"github.com/affcore/affcore/core"
)

// LogEntry is one line of a plugin's log: written by the plugin (log host
// call, stdout/stderr) or by the host about the plugin (traps, timeouts,
// refused capabilities).
type LogEntry struct {
	Time         time.Time     `json:"time"`
	Tenant       core.TenantID `json:"-"`
	Installation string        `json:"installation_id"`
	PluginID     string        `json:"plugin_id"`
	Hook         string        `json:"hook,omitempty"`
	Level        slog.Level    `json:"level"`
	Message      string        `json:"message"`
	// Host is true for lines the host wrote about the plugin.
	Host bool `json:"host"`
}

// LogSink receives plugin log lines.
type LogSink interface {
	Write(e LogEntry)
}

// LogBook keeps the most recent lines of each installation in memory (the
// API's "recent log and errors") and forwards host-written warnings and
// errors to the process log.
type LogBook struct {
	mu   sync.Mutex
	keep int
	logs map[string][]LogEntry // by installation id
	log  *slog.Logger
}

// NewLogBook returns a LogBook keeping keep lines per installation.
func NewLogBook(keep int, log *slog.Logger) *LogBook {
	return &LogBook{keep: keep, logs: map[string][]LogEntry{}, log: log}
}

// Write implements LogSink.
func (b *LogBook) Write(e LogEntry) {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if e.Host && e.Level >= slog.LevelWarn {
		b.log.Warn("plugin fault", "tenant_id", e.Tenant, "installation_id", e.Installation,
			"plugin", e.PluginID, "hook", e.Hook, "msg", e.Message)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	l := append(b.logs[e.Installation], e)
	if len(l) > b.keep {
		l = append(l[:0:0], l[len(l)-b.keep:]...)
	}
	b.logs[e.Installation] = l
}

// Recent returns the last lines of an installation of tenant, newest last;
// minLevel filters (slog.LevelWarn for "errors").
func (b *LogBook) Recent(tenant core.TenantID, installation string, minLevel slog.Level) []LogEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []LogEntry{}
	for _, e := range b.logs[installation] {
		if e.Tenant == tenant && e.Level >= minLevel {
			out = append(out, e)
		}
	}
	return out
}

// Forget drops an installation's lines (after uninstall).
func (b *LogBook) Forget(installation string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.logs, installation)
}
