// Package core holds affcore's shared primitives: identifiers, the clock,
// exact decimal money and the error kinds that every domain package uses.
// It imports only the standard library.
package core

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// TenantID identifies a tenant (an advertiser account). Every method that reads
// or writes tenant data takes it as an explicit argument.
type TenantID string

// Clock tells the time. Services take one so tests can control time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// crockford is Crockford's base32 alphabet in lower case: URL-safe, no
// ambiguous letters, and it sorts in the same order as the bytes it encodes.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// NewID returns "<prefix>_" followed by 26 base32 characters: 48 bits of
// millisecond time (so ids sort by creation) and 80 random bits (so they
// cannot be guessed or enumerated).
func NewID(prefix string) string {
	return NewIDAt(prefix, time.Now())
}

// NewIDAt is NewID with an explicit creation time.
func NewIDAt(prefix string, t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16)
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	out := make([]byte, 0, len(prefix)+1+26)
	out = append(out, prefix...)
	out = append(out, '_')
	return string(encodeBase32(out, b))
}

// encodeBase32 appends the 128-bit value b as 26 Crockford base32 characters.
func encodeBase32(dst []byte, b [16]byte) []byte {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var tmp [26]byte
	for i := 25; i >= 0; i-- {
		tmp[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return append(dst, tmp[:]...)
}

// IDTime returns the creation time encoded in an id made by NewID, and false
// when id is not such an id.
func IDTime(id string) (time.Time, bool) {
	i := len(id) - 26
	if i < 1 || id[i-1] != '_' {
		return time.Time{}, false
	}
	var ms uint64
	for _, c := range []byte(id[i : i+10]) { // 10 chars = 50 bits: 2 zero bits, then 48 bits of time
		v := decodeChar(c)
		if v < 0 {
			return time.Time{}, false
		}
		ms = ms<<5 | uint64(v)
	}
	return time.UnixMilli(int64(ms)).UTC(), true
}

func decodeChar(c byte) int {
	for i := 0; i < len(crockford); i++ {
		if crockford[i] == c {
			return i
		}
	}
	return -1
}
