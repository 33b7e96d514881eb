package format

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Signature scheme v1.
//
// The signing string is four fields joined by a line feed (\n):
//
//	<timestamp>\n<METHOD>\n<request target>\n<body>
//
// where timestamp is the X-Postback-Timestamp header (Unix seconds), METHOD
// is GET or POST, the request target is the path and query exactly as on
// the request line (e.g. /pb?cid=abc&sum=10.50), and body is the raw body
// (empty for GET). None of the first three fields can contain a line feed,
// so the string is unambiguous. The X-Postback-Signature header is
// "v1=" followed by the lower-case hex HMAC-SHA256 of the signing string,
// keyed with the receiver's secret (the secret string's bytes).
//
// A receiver recomputes the HMAC over what it received, compares in
// constant time, and rejects timestamps too far from its clock (5 minutes
// is a good window) so a captured request cannot be replayed later; within
// the window the Idempotency-Key header dedupes.

// ErrSignature is returned by Verify for a missing, malformed or wrong signature.
var ErrSignature = errors.New("postback signature does not match")

// ErrTimestamp is returned by Verify for a missing timestamp or one outside
// the tolerance.
var ErrTimestamp = errors.New("postback timestamp missing or outside the tolerance")

// SigningString returns the bytes that the v1 signature covers.
func SigningString(ts int64, method, target string, body []byte) []byte {
	b := make([]byte, 0, 32+len(method)+len(target)+len(body))
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, '\n')
	b = append(b, method...)
	b = append(b, '\n')
	b = append(b, target...)
	b = append(b, '\n')
	return append(b, body...)
}

// Sign returns the X-Postback-Signature header value for a request.
func Sign(secret []byte, ts int64, method, target string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(SigningString(ts, method, target, body))
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a received request's signature headers: sigHeader and
// tsHeader as received, the method, the request target as on the request
// line (Go: r.RequestURI), and the raw body. The timestamp must be within
// tolerance of now.
func Verify(secret []byte, sigHeader, tsHeader, method, target string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrTimestamp
	}
	got, ok := strings.CutPrefix(strings.TrimSpace(sigHeader), "v1=")
	if !ok {
		return ErrSignature
	}
	mac, err := hex.DecodeString(got)
	if err != nil {
		return ErrSignature
	}
	want := hmac.New(sha256.New, secret)
	want.Write(SigningString(ts, method, target, body))
	if !hmac.Equal(mac, want.Sum(nil)) {
		return ErrSignature
	}
	return nil
}
