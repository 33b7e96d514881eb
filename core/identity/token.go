package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/affcore/affcore/core"
)

// newToken returns a random URL-safe token (256 bits) and its SHA-256 hash,
// which is all that is stored.
func newToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken hashes a high-entropy token for lookup. No salt or slow hash is
// needed: tokens carry 256 random bits and are never chosen by people.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// sessionClaims are the JWT claims of a session token.
type sessionClaims struct {
	Kind string `json:"knd"`
	TID  string `json:"tid"`
	jwt.RegisteredClaims
}

// errTokenExpired marks a well-signed session token past its expiry.
var errTokenExpired = core.Errorf(core.KindUnauthorized, "session token expired")

// issueJWT signs a session token for s valid for ttl.
func (s *Service) issueJWT(sess Session, now time.Time) (string, error) {
	claims := sessionClaims{
		Kind: sess.SubjectKind,
		TID:  string(sess.TenantID),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sess.SubjectID,
			ID:        sess.ID,
			Audience:  jwt.ClaimStrings{"session"},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.TokenTTL)),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.cfg.JWTKey)
	if err != nil {
		return "", fmt.Errorf("sign session token: %w", err)
	}
	return tok, nil
}

// parseJWT verifies a session token's signature and claims. A well-signed
// but expired token is returned together with errTokenExpired, so Refresh
// can exchange it while its session lives.
func (s *Service) parseJWT(token string) (sessionClaims, error) {
	var c sessionClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.cfg.JWTKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience("session"), jwt.WithTimeFunc(s.clock.Now),
		jwt.WithExpirationRequired())
	switch {
	case err == nil:
		return c, nil
	case errors.Is(err, jwt.ErrTokenExpired) && c.ID != "":
		return c, errTokenExpired
	}
	return c, core.Errorf(core.KindUnauthorized, "invalid or expired token")
}
