package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxDepth bounds nesting when skipping unknown values, so a hostile payload
// cannot exhaust the stack.
const MaxDepth = 32

// ErrShort is reported when the input ends in the middle of a value.
var ErrShort = errors.New("wire: truncated input")

// TypeError is reported when a value has an unexpected type.
type TypeError struct {
	Want string
	Got  byte
	At   int
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("wire: want %s at offset %d, got type byte 0x%02x", e.Want, e.At, e.Got)
}

// Reader decodes a MessagePack buffer. The first error sticks: later reads
// return zero values, and Err reports it. A nil value reads as the zero value
// of whatever type is asked for, so optional fields may be sent as nil.
type Reader struct {
	b   []byte
	off int
	err error
	// s is b as one string: every decoded string is a substring of it, so
	// decoding allocates once for all strings instead of once per string
	// (allocation dominates decoding in a Go guest), and the strings stay
	// valid after b is reused.
	s string
}

// NewReader returns a Reader over b. It copies b once, as the string every
// decoded string is a substring of.
func NewReader(b []byte) *Reader { return &Reader{b: b, s: string(b)} }

// Reset points r at b and clears its error, so one Reader can be reused.
func (r *Reader) Reset(b []byte) { r.b, r.off, r.err, r.s = b, 0, nil, string(b) }

// Err returns the first error met.
func (r *Reader) Err() error { return r.err }

// Fail records err as the Reader's error unless one is already set; codecs
// use it to report semantic errors (e.g. an unknown schema version).
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.off = len(r.b) // an error ends the input: fast paths need no error check
}

// Done reports an error when input remains after the top-level value.
func (r *Reader) Done() error {
	if r.err == nil && r.off != len(r.b) {
		r.Fail(fmt.Errorf("wire: %d trailing bytes", len(r.b)-r.off))
	}
	return r.err
}

// Offset returns how many bytes have been consumed.
func (r *Reader) Offset() int { return r.off }

func (r *Reader) typeErr(want string) {
	if r.err == nil {
		r.Fail(&TypeError{Want: want, Got: r.b[r.off], At: r.off})
	}
}

func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b)-r.off < n {
		r.Fail(ErrShort)
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *Reader) peek() (byte, bool) {
	if r.err != nil {
		return 0, false
	}
	if r.off >= len(r.b) {
		r.Fail(ErrShort)
		return 0, false
	}
	return r.b[r.off], true
}

// uintN reads a big-endian unsigned integer of n bytes (1, 2, 4 or 8).
func (r *Reader) uintN(n int) uint64 {
	s := r.take(n)
	switch len(s) {
	case 1:
		return uint64(s[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(s))
	case 4:
		return uint64(binary.BigEndian.Uint32(s))
	case 8:
		return binary.BigEndian.Uint64(s)
	}
	return 0
}

// IsNil consumes a nil and reports true, or reports false without consuming.
func (r *Reader) IsNil() bool {
	c, ok := r.peek()
	if ok && c == 0xc0 {
		r.off++
		return true
	}
	return false
}

// Bool reads a boolean.
func (r *Reader) Bool() bool {
	if i := r.off; i < len(r.b) && r.b[i]|1 == 0xc3 {
		r.off = i + 1
		return r.b[i] == 0xc3
	}
	return r.boolSlow()
}

func (r *Reader) boolSlow() bool {
	c, ok := r.peek()
	switch {
	case !ok:
		return false
	case c == 0xc2 || c == 0xc3:
		r.off++
		return c == 0xc3
	case c == 0xc0:
		r.off++
		return false
	}
	r.typeErr("bool")
	return false
}

// Int reads an integer of any MessagePack width. Unsigned values above the
// int64 range are an error. The common one-byte case is small enough to be
// inlined: in a Wasm guest every function call has a fixed cost under the
// host's deadline checks.
func (r *Reader) Int() int64 {
	if i := r.off; i < len(r.b) && r.b[i] <= 0x7f {
		r.off = i + 1
		return int64(r.b[i])
	}
	return r.intSlow()
}

func (r *Reader) intSlow() int64 {
	c, ok := r.peek()
	if !ok {
		return 0
	}
	switch {
	case c <= 0x7f:
		r.off++
		return int64(c)
	case c >= 0xe0:
		r.off++
		return int64(int8(c))
	case c == 0xc0:
		r.off++
		return 0
	case c >= 0xcc && c <= 0xcf: // uint 8/16/32/64
		r.off++
		v := r.uintN(1 << (c - 0xcc))
		if v > 1<<63-1 {
			r.Fail(errors.New("wire: integer overflows int64"))
			return 0
		}
		return int64(v)
	case c >= 0xd0 && c <= 0xd3: // int 8/16/32/64
		r.off++
		n := 1 << (c - 0xd0)
		v := r.uintN(n)
		shift := 64 - 8*n
		return int64(v<<shift) >> shift
	}
	r.typeErr("integer")
	return 0
}

// strLen reads a str header and returns the length, or -1 for nil.
func (r *Reader) strLen() int {
	c, ok := r.peek()
	if !ok {
		return -1
	}
	switch {
	case c&0xe0 == 0xa0:
		r.off++
		return int(c & 0x1f)
	case c == 0xd9 || c == 0xda || c == 0xdb:
		r.off++
		return int(r.uintN(1 << (c - 0xd9)))
	case c == 0xc0:
		r.off++
		return -1
	}
	r.typeErr("string")
	return -1
}

// String reads a string. It shares memory with the other strings of this
// Reader, never with b. Short strings take an inlinable fast path.
func (r *Reader) String() string {
	if i := r.off; i < len(r.b) && r.b[i]&0xe0 == 0xa0 {
		if end := i + 1 + int(r.b[i]&0x1f); end <= len(r.s) {
			r.off = end
			return r.s[i+1 : end]
		}
	}
	return r.stringSlow()
}

func (r *Reader) stringSlow() string {
	n := r.strLen()
	if n <= 0 || r.take(n) == nil {
		return ""
	}
	if len(r.s) != len(r.b) {
		r.s = string(r.b)
	}
	return r.s[r.off-n : r.off]
}

// Key reads a map key without copying; the slice is valid as long as the
// input buffer is. Codecs switch on string(r.Key()), which does not allocate.
func (r *Reader) Key() []byte {
	n := r.strLen()
	if n <= 0 {
		return nil
	}
	return r.take(n)
}

// Bytes reads binary data (or a string) and returns a copy.
func (r *Reader) Bytes() []byte {
	c, ok := r.peek()
	if !ok {
		return nil
	}
	if c == 0xc4 || c == 0xc5 || c == 0xc6 {
		r.off++
		n := int(r.uintN(1 << (c - 0xc4)))
		s := r.take(n)
		if s == nil {
			return nil
		}
		return append([]byte(nil), s...)
	}
	n := r.strLen()
	if n < 0 {
		return nil
	}
	return append([]byte(nil), r.take(n)...)
}

// MapHeader reads a map header and returns the number of pairs (0 for nil).
func (r *Reader) MapHeader() int {
	c, ok := r.peek()
	switch {
	case !ok:
		return 0
	case c&0xf0 == 0x80:
		r.off++
		return r.bound(int(c&0x0f), 2)
	case c == 0xde || c == 0xdf:
		r.off++
		return r.bound(int(r.uintN(2<<(c-0xde))), 2)
	case c == 0xc0:
		r.off++
		return 0
	}
	r.typeErr("map")
	return 0
}

// ArrayHeader reads an array header and returns the number of elements (0 for nil).
func (r *Reader) ArrayHeader() int {
	c, ok := r.peek()
	switch {
	case !ok:
		return 0
	case c&0xf0 == 0x90:
		r.off++
		return r.bound(int(c&0x0f), 1)
	case c == 0xdc || c == 0xdd:
		r.off++
		return r.bound(int(r.uintN(2<<(c-0xdc))), 1)
	case c == 0xc0:
		r.off++
		return 0
	}
	r.typeErr("array")
	return 0
}

// bound rejects a count that the remaining input cannot hold (each element
// takes at least one byte), so a forged header cannot force a huge allocation.
func (r *Reader) bound(n, per int) int {
	if r.err != nil {
		return 0
	}
	if n < 0 || n*per > len(r.b)-r.off {
		r.Fail(ErrShort)
		return 0
	}
	return n
}

// Strings reads an array of strings.
func (r *Reader) Strings() []string {
	n := r.ArrayHeader()
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, r.String())
	}
	return out
}

// StringMap reads a map of string to string.
func (r *Reader) StringMap() map[string]string {
	n := r.MapHeader()
	if n == 0 {
		return nil
	}
	out := make(map[string]string, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.String()
		out[k] = r.String()
	}
	return out
}

// Raw returns the next value's encoded bytes without copying and skips it.
func (r *Reader) Raw() []byte {
	start := r.off
	r.Skip()
	if r.err != nil {
		return nil
	}
	return r.b[start:r.off]
}

// Skip consumes the next value, whatever its type (unknown fields of a newer
// schema are skipped this way).
func (r *Reader) Skip() { r.skip(0) }
