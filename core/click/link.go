package click

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Signer makes and checks partner link tokens. A token is
// base64url(campaign id "." partner id) "." base64url(first 16 bytes of
// HMAC-SHA256(key, "link.v1." payload)). Without the key a token cannot be
// forged, and the ids it carries are random, so tokens cannot be enumerated.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer with key (at least 32 random bytes, the same on
// every node).
func NewSigner(key []byte) *Signer { return &Signer{key: key} }

const macLen = 16

// Sign returns the token naming campaign + partner.
func (s *Signer) Sign(campaignID, partnerID string) string {
	payload := campaignID + "." + partnerID
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(s.mac(payload))
}

// Verify returns the campaign and partner a token names, or ok=false for a
// malformed or forged token.
func (s *Signer) Verify(token string) (campaignID, partnerID string, ok bool) {
	if len(token) > 256 {
		return "", "", false
	}
	p64, m64, found := strings.Cut(token, ".")
	if !found {
		return "", "", false
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(string(payload))) {
		return "", "", false
	}
	campaignID, partnerID, found = strings.Cut(string(payload), ".")
	if !found || campaignID == "" || partnerID == "" {
		return "", "", false
	}
	return campaignID, partnerID, true
}

func (s *Signer) mac(payload string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("link.v1."))
	h.Write([]byte(payload))
	return h.Sum(nil)[:macLen]
}
