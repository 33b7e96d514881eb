// Package hook defines the versioned contracts of affcore's hooks — the
// typed input and output of each one — with reflection-free MessagePack
// codecs. The host encodes inputs and decodes outputs with these same types,
// and plugins built with the Go PDK receive and return them.
//
// Evolution: fields are encoded as a map keyed by field number (fields.go),
// decoders skip keys they do not know, and every input carries
// schema_version. JSON renders any payload with field names. A new field is a
// minor, additive change; removing or retyping one needs a new version.
//
// Money is a decimal string ("12.50") plus a currency code, never a float.
// Times cross the ABI as Unix milliseconds (UTC).
package hook

import (
	"time"

	"github.com/affcore/affcore/pdk/go/wire"
)

// Encoder is a hook value that appends its MessagePack encoding to b.
type Encoder interface {
	AppendMsg(b []byte) []byte
}

// Decoder is a hook value that fills itself from MessagePack.
type Decoder interface {
	UnmarshalMsg(b []byte) error
}

// Header is one HTTP header.
type Header struct {
	Name  string
	Value string
}

// The field helpers below keep the hand-written codecs one line per field.

func kstr(b []byte, k int64, v string) []byte     { return wire.AppendString(wire.AppendInt(b, k), v) }
func kint(b []byte, k int64, v int64) []byte      { return wire.AppendInt(wire.AppendInt(b, k), v) }
func kbool(b []byte, k int64, v bool) []byte      { return wire.AppendBool(wire.AppendInt(b, k), v) }
func kbytes(b []byte, k int64, v []byte) []byte   { return wire.AppendBytes(wire.AppendInt(b, k), v) }
func kstrs(b []byte, k int64, v []string) []byte  { return wire.AppendStrings(wire.AppendInt(b, k), v) }
func ktime(b []byte, k int64, t time.Time) []byte { return kint(b, k, unixMs(t)) }

// sparseMap writes a map that leaves out zero-valued fields: a map16
// header whose count is filled in by end.
type sparseMap struct {
	b  []byte
	at int
	n  int
}

func beginMap(b []byte) sparseMap {
	return sparseMap{b: append(b, 0xde, 0, 0), at: len(b)}
}

func (m *sparseMap) str(k int64, v string) {
	if v != "" {
		m.b, m.n = kstr(m.b, k, v), m.n+1
	}
}

func (m *sparseMap) int(k, v int64) {
	if v != 0 {
		m.b, m.n = kint(m.b, k, v), m.n+1
	}
}

func (m *sparseMap) bool(k int64, v bool) {
	if v {
		m.b, m.n = kbool(m.b, k, v), m.n+1
	}
}

func (m *sparseMap) end() []byte {
	m.b[m.at+1], m.b[m.at+2] = byte(m.n>>8), byte(m.n)
	return m.b
}

func unixMs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMs(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func version(v, current int) int64 {
	if v == 0 {
		return int64(current)
	}
	return int64(v)
}

// JSON renders a hook payload as JSON with field names, for logs, debugging
// and golden files.
func JSON(b []byte) ([]byte, error) { return wire.JSONNamed(b, FieldName) }

func appendHeaders(b []byte, hs []Header) []byte {
	b = wire.AppendArrayHeader(b, len(hs))
	for _, h := range hs {
		b = wire.AppendArrayHeader(b, 2)
		b = wire.AppendString(wire.AppendString(b, h.Name), h.Value)
	}
	return b
}

func readHeaders(r *wire.Reader) []Header {
	n := r.ArrayHeader()
	if n == 0 {
		return nil
	}
	hs := make([]Header, 0, n)
	for i := 0; i < n && r.Err() == nil; i++ {
		if r.ArrayHeader() != 2 {
			r.Fail(errHeader)
			return hs
		}
		hs = append(hs, Header{Name: r.String(), Value: r.String()})
	}
	return hs
}

func appendStringMap(b []byte, m map[string]string) []byte {
	keys := sortedKeys(m)
	return wire.AppendStringMap(b, m, keys)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ { // insertion sort: maps here are tiny, and sort pulls in reflection-free but larger code
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
