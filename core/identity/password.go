package identity

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/affcore/affcore/core"
)

// ArgonParams is the argon2id cost.
type ArgonParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon follows the OWASP recommendation (19 MiB, 2 passes, 1 lane).
var DefaultArgon = ArgonParams{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	minPasswordLen = 8
	maxPasswordLen = 128
)

//go:embed commonpasswords.txt
var commonPasswordList string

func commonPasswords() map[string]struct{} {
	m := make(map[string]struct{}, 18000)
	for _, p := range strings.Split(commonPasswordList, "\n") {
		if p != "" {
			m[p] = struct{}{}
		}
	}
	return m
}

// checkPassword enforces the password policy: length bounds, not a common
// password, not the email or its local part.
func (s *Service) checkPassword(field, pw, email string) error {
	switch {
	case len(pw) < minPasswordLen:
		return core.Invalid(field, fmt.Sprintf("must be at least %d characters", minPasswordLen))
	case len(pw) > maxPasswordLen:
		return core.Invalid(field, fmt.Sprintf("must be at most %d characters", maxPasswordLen))
	}
	lower := strings.ToLower(pw)
	if _, common := s.common[lower]; common {
		return core.Invalid(field, "is too common; choose a less guessable password")
	}
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	if email != "" && (lower == strings.ToLower(email) || lower == local) {
		return core.Invalid(field, "must not be your email address")
	}
	return nil
}

// hashPassword returns a PHC-format argon2id hash.
func hashPassword(pw string, p ArgonParams) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

// verifyPassword checks pw against a PHC argon2id hash in constant time.
func verifyPassword(pw, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p ArgonParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
