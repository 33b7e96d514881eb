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
	b = kstr(b, fMethod, h.Method)
	b = kstr(b, fURL, h.URL)
	b = appendHeaders(wire.AppendInt(b, fHeaders), h.Headers)
	b = kbytes(b, fBody, h.Body)
	return kint(b, fTimeoutMS, h.TimeoutMs)
}

// UnmarshalMsg implements Decoder.
func (h *HTTPRequest) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fMethod:
			h.Method = r.String()
		case fURL:
			h.URL = r.String()
		case fHeaders:
			h.Headers = readHeaders(r)
		case fBody:
			h.Body = r.Bytes()
		case fTimeoutMS:
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
	b = kint(b, fStatus, h.Status)
	b = appendHeaders(wire.AppendInt(b, fHeaders), h.Headers)
	return kbytes(b, fBody, h.Body)
}

// UnmarshalMsg implements Decoder.
func (h *HTTPResponse) UnmarshalMsg(b []byte) error {
	r := wire.NewReader(b)
	for n := r.MapHeader(); n > 0 && r.Err() == nil; n-- {
		switch r.Int() {
		case fStatus:
			h.Status = r.Int()
		case fHeaders:
			h.Headers = readHeaders(r)
		case fBody:
			h.Body = r.Bytes()
		default:
			r.Skip()
		}
	}
	return r.Done()
}
