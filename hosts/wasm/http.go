package wasm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/affcore/affcore/core/outbound"
	"github.com/affcore/affcore/pdk/go/abi"
	"github.com/affcore/affcore/pdk/go/hook"
)

type allowKey struct{}

// newHTTPClient is the outbound client (private addresses refused at dial
// time unless allowed) whose redirects are re-checked against the
// installation's allow-list, https only.
func newHTTPClient(cfg Config) *http.Client {
	c := cfg.HTTPClient
	if c == nil {
		c = outbound.NewClient(outbound.Config{AllowPrivate: cfg.AllowPrivate, Timeout: 30 * time.Second, UserAgent: "affcore-plugin/1"})
	}
	cc := *c
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 3 {
			return errors.New("stopped after 3 redirects")
		}
		allowed, _ := req.Context().Value(allowKey{}).([]string)
		return checkURL(req.URL, allowed)
	}
	return &cc
}

// errNotAllowed marks a URL refused by the allow-list or scheme rule.
var errNotAllowed = errors.New("not allowed")

// checkURL enforces https and the manifest's allowed hosts.
func checkURL(u *url.URL, allowed []string) error {
	if u.Scheme != "https" {
		return fmt.Errorf("%w: %s is not https", errNotAllowed, u.Redacted())
	}
	if !HostAllowed(u.Host, allowed) {
		return fmt.Errorf("%w: host %s is not in the manifest's allowed hosts", errNotAllowed, u.Host)
	}
	return nil
}

// HostAllowed reports whether hostport (from a URL) matches an allow-list
// entry: "api.example.com" (port 443 only), "*.example.com" (any subdomain),
// "host:8443" (that port) or "host:*" (any port).
func HostAllowed(hostport string, allowed []string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "443"
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, a := range allowed {
		ah, ap, err := net.SplitHostPort(a)
		if err != nil {
			ah, ap = a, "443"
		}
		ah = strings.ToLower(ah)
		if ap != "*" && ap != port {
			continue
		}
		if ah == host || (strings.HasPrefix(ah, "*.") && strings.HasSuffix(host, ah[1:])) {
			return true
		}
	}
	return false
}

func (e *Engine) hostHTTPSend(ctx context.Context, m api.Module, stack []uint64) {
	stack[0] = api.EncodeI64(e.httpSend(ctx, m, uint32(stack[0]), uint32(stack[1])))
}

func (e *Engine) httpSend(ctx context.Context, m api.Module, ptr, n uint32) int64 {
	st := stateOf(ctx)
	switch {
	case st == nil:
		return abi.StatusDenied
	case st.lim.HTTPRequests == 0:
		return int64(st.deny(abi.StatusDenied, "outbound HTTP denied: the %s hook has no network access", st.hook))
	case st.httpCount >= st.lim.HTTPRequests:
		return int64(st.deny(abi.StatusLimit, "outbound HTTP limit of %d requests per call reached", st.lim.HTTPRequests))
	case n > uint32(st.lim.HTTPBody)+64<<10:
		return int64(st.deny(abi.StatusLimit, "outbound request of %d bytes is too large", n))
	}
	st.httpCount++
	raw, ok := read(m, ptr, n)
	var req hook.HTTPRequest
	if !ok || req.UnmarshalMsg(raw) != nil {
		return abi.StatusInvalid
	}
	res, status := e.do(ctx, st, req)
	if status != abi.StatusOK {
		return int64(status)
	}
	st.pending = res.AppendMsg(nil)
	return int64(len(st.pending))
}

// do sends one plugin request and reads a bounded response.
func (e *Engine) do(ctx context.Context, st *callState, r hook.HTTPRequest) (hook.HTTPResponse, int32) {
	var res hook.HTTPResponse
	u, err := url.Parse(r.URL)
	if err != nil {
		return res, st.deny(abi.StatusInvalid, "outbound HTTP: bad URL: %v", err)
	}
	if err := checkURL(u, st.p.inst.AllowedHosts); err != nil {
		return res, st.deny(abi.StatusDenied, "outbound HTTP denied: %v", err)
	}
	timeout := st.lim.HTTPTimeout
	if r.TimeoutMs > 0 {
		timeout = min(timeout, time.Duration(r.TimeoutMs)*time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, allowKey{}, st.p.inst.AllowedHosts), timeout)
	defer cancel()
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return res, st.deny(abi.StatusInvalid, "outbound HTTP: %v", err)
	}
	for _, h := range r.Headers {
		req.Header.Add(h.Name, h.Value)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return res, st.deny(httpStatus(err), "outbound HTTP %s %s failed: %v", method, u.Host, err)
	}
	defer resp.Body.Close()
	return readResponse(st, resp)
}

func httpStatus(err error) int32 {
	if errors.Is(err, outbound.ErrForbiddenAddress) || errors.Is(err, errNotAllowed) {
		return abi.StatusDenied
	}
	return abi.StatusFailed
}

func readResponse(st *callState, resp *http.Response) (hook.HTTPResponse, int32) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, st.lim.HTTPBody+1))
	if err != nil {
		return hook.HTTPResponse{}, st.deny(abi.StatusFailed, "outbound HTTP: reading the response: %v", err)
	}
	if int64(len(body)) > st.lim.HTTPBody {
		return hook.HTTPResponse{}, st.deny(abi.StatusLimit, "outbound HTTP: response body exceeds %d bytes", st.lim.HTTPBody)
	}
	res := hook.HTTPResponse{Status: int64(resp.StatusCode), Body: body}
	for name, vals := range resp.Header {
		for _, v := range vals {
			res.Headers = append(res.Headers, hook.Header{Name: strings.ToLower(name), Value: v})
		}
	}
	return res, abi.StatusOK
}
