package wire

import (
	"encoding/base64"
	"errors"
	"strconv"
	"unicode/utf8"
)

var errDepth = errors.New("wire: nesting too deep")

func (r *Reader) skip(depth int) {
	if depth > MaxDepth {
		r.Fail(errDepth)
		return
	}
	c, ok := r.peek()
	if !ok {
		return
	}
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		r.off++
	case c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb:
		r.take(max(r.strLen(), 0))
	case c == 0xc4 || c == 0xc5 || c == 0xc6:
		r.off++
		r.take(int(r.uintN(1 << (c - 0xc4))))
	case c >= 0xcc && c <= 0xd3:
		r.Int()
	case c == 0xca:
		r.take(5)
	case c == 0xcb:
		r.take(9)
	case c&0xf0 == 0x80 || c == 0xde || c == 0xdf:
		for n := r.MapHeader(); n > 0 && r.err == nil; n-- {
			r.skip(depth + 1)
			r.skip(depth + 1)
		}
	case c&0xf0 == 0x90 || c == 0xdc || c == 0xdd:
		for n := r.ArrayHeader(); n > 0 && r.err == nil; n-- {
			r.skip(depth + 1)
		}
	default: // ext types and the reserved byte are not part of the ABI
		r.typeErr("a supported MessagePack type")
	}
}

// JSON renders one MessagePack value as JSON, for logs, debugging and the
// test kit's JSON view of payloads. Binary data becomes a base64 string.
func JSON(b []byte) ([]byte, error) { return JSONNamed(b, nil) }

// JSONNamed is JSON where integer map keys are field numbers that names
// turns into field names (unknown numbers stay numbers).
func JSONNamed(b []byte, names func(int64) string) ([]byte, error) {
	r := NewReader(b)
	out := r.appendJSON(nil, 0, names)
	if err := r.Done(); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Reader) appendJSON(out []byte, depth int, names func(int64) string) []byte {
	if depth > MaxDepth {
		r.Fail(errDepth)
		return out
	}
	c, ok := r.peek()
	if !ok {
		return out
	}
	switch {
	case c == 0xc0:
		r.off++
		return append(out, "null"...)
	case c == 0xc2 || c == 0xc3:
		return strconv.AppendBool(out, r.Bool())
	case c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3):
		return strconv.AppendInt(out, r.Int(), 10)
	case c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb:
		return appendJSONString(out, r.String())
	case c == 0xc4 || c == 0xc5 || c == 0xc6:
		return appendJSONString(out, base64.StdEncoding.EncodeToString(r.Bytes()))
	case c&0xf0 == 0x80 || c == 0xde || c == 0xdf:
		out = append(out, '{')
		for i, n := 0, r.MapHeader(); i < n && r.err == nil; i++ {
			if i > 0 {
				out = append(out, ',')
			}
			out = r.appendJSONKey(out, names)
			out = r.appendJSON(append(out, ':'), depth+1, names)
		}
		return append(out, '}')
	case c&0xf0 == 0x90 || c == 0xdc || c == 0xdd:
		out = append(out, '[')
		for i, n := 0, r.ArrayHeader(); i < n && r.err == nil; i++ {
			if i > 0 {
				out = append(out, ',')
			}
			out = r.appendJSON(out, depth+1, names)
		}
		return append(out, ']')
	}
	r.typeErr("a supported MessagePack type")
	return out
}

// appendJSONKey renders a map key: a string as is, an integer through names.
func (r *Reader) appendJSONKey(out []byte, names func(int64) string) []byte {
	c, ok := r.peek()
	if ok && (c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3)) {
		n := r.Int()
		if names != nil {
			if name := names(n); name != "" {
				return appendJSONString(out, name)
			}
		}
		return appendJSONString(out, strconv.FormatInt(n, 10))
	}
	return appendJSONString(out, r.String())
}

func appendJSONString(out []byte, s string) []byte {
	out = append(out, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', byte(c))
		case c < 0x20:
			out = append(out, `\u00`...)
			out = append(out, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		case c == utf8.RuneError:
			out = append(out, `\ufffd`...)
		default:
			out = utf8.AppendRune(out, c)
		}
	}
	return append(out, '"')
}
