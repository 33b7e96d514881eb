package wasm

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/affcore/affcore/hosts"
	"github.com/affcore/affcore/pdk/go/abi"
)

// callState is the per-call budget and scratch of one hook call (or of an
// instance's initialisation). Host functions find it in the call's context.
type callState struct {
	p           *plugin
	hook        string
	lim         hosts.Limits
	logBytes    int
	logLines    int
	logDropped  bool
	kvOps       int
	httpCount   int
	pending     []byte // the last HTTP response, read with http_read
	lastLog     string // the last line logged, quoted when the instance dies
	envelopeErr *hosts.CallError
	// denied is set when the host refused a capability during the call: the
	// instance is discarded afterwards, whatever the plugin answers.
	denied bool
}

type stateKey struct{}

func newCallState(p *plugin, hook string, lim hosts.Limits) *callState {
	return &callState{p: p, hook: hook, lim: lim}
}

func withState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return st
}

// logLine writes one plugin line within the call's log budget: lines are
// truncated to what is left, and once the budget is spent one notice is
// written and the rest dropped.
func (st *callState) logLine(level slog.Level, msg string, host bool) {
	if !host {
		if st.logLines >= st.lim.LogLines || st.logBytes >= st.lim.LogBytes {
			if !st.logDropped {
				st.logDropped = true
				st.write(slog.LevelWarn, "log limit of this call reached; further lines dropped", true)
			}
			return
		}
		if left := st.lim.LogBytes - st.logBytes; len(msg) > left {
			msg = truncate(msg, left) + "…"
		}
		st.logLines++
		st.logBytes += len(msg)
		st.lastLog = msg
	}
	st.write(level, msg, host)
}

func (st *callState) write(level slog.Level, msg string, host bool) {
	if st.p.e.cfg.Logs == nil {
		return
	}
	in := st.p.inst
	st.p.e.cfg.Logs.Write(hosts.LogEntry{Tenant: in.Tenant, Installation: in.ID, PluginID: in.PluginID,
		Hook: st.hook, Level: level, Message: msg, Host: host})
}

// deny logs why a capability was refused and returns the status to give
// the guest.
func (st *callState) deny(status int32, format string, args ...any) int32 {
	st.denied = st.denied || status == abi.StatusDenied
	st.write(slog.LevelWarn, sprintf(format, args...), true)
	return status
}

func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// logWriter sends a guest's stdout and stderr to the plugin log, one entry
// per line, within the current call's budget. The Go runtime writes a fatal
// error in fragments, so partial lines wait for their newline.
type logWriter struct {
	in      *instance
	partial []byte
}

// maxPartial bounds a line waiting for its newline.
const maxPartial = 4 << 10

func (w *logWriter) Write(b []byte) (int, error) {
	st := w.in.state
	if st == nil {
		return len(b), nil
	}
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(w.partial[:i])); line != "" {
			st.logLine(slog.LevelInfo, line, false)
		}
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) > maxPartial {
		st.logLine(slog.LevelInfo, string(w.partial), false)
		w.partial = nil
	}
	return len(b), nil
}
