package hook

import "github.com/affcore/affcore/pdk/go/wire"

// HTTPRequest is an outgoing HTTP request: the postback-format hook's result,
// and the argument of the PDK's HTTP host call.
type HTTPRequest struct {
	Method    string
	URL       string
	Headers   []Header
	Body      []byte
	TimeoutMs int64 // 0 = the hook class default
}

// HTTPResponse is the answer to an HTTPRequest made through the host.
type HTTPResponse struct {
	Status  int64
	Headers []Header
	Body    []byte
}

// Header returns the first value of the named header (case-insensitive).
func (r HTTPResponse) Header(name string) string {
	for _, h := range r.Headers {
		if equalFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// AppendMsg implements Encoder.
func (h HTTPRequest) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 5)
	b = kstr(b, "method", h.Method)
	b = kstr(b, "url", h.URL)
	b = appendHeaders(wire.AppendString(b, "headers"), h.Headers)
	b = kbytes(b, "body", h.Body)
	return kint(b, "timeout_ms", h.TimeoutMs)
}

// UnmarshalMsg implements Decoder.
func (h *HTTPRequest) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "method":
			h.Method = r.String()
		case "url":
			h.URL = r.String()
		case "headers":
			h.Headers = readHeaders(r)
		case "body":
			h.Body = r.Bytes()
		case "timeout_ms":
			h.TimeoutMs = r.Int()
		default:
			r.Skip()
		}
	}
	return r.Done()
}

// AppendMsg implements Encoder.
func (h HTTPResponse) AppendMsg(b []byte) []byte {
	b = wire.AppendMapHeader(b, 3)
	b = kint(b, "status", h.Status)
	b = appendHeaders(wire.AppendString(b, "headers"), h.Headers)
	return kbytes(b, "body", h.Body)
}

// UnmarshalMsg implements Decoder.
func (h *HTTPResponse) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch string(r.Key()) {
		case "status":
			h.Status = r.Int()
		case "headers":
			h.Headers = readHeaders(r)
		case "body":
			h.Body = r.Bytes()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
