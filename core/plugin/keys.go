package plugin

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Signing keys are stored as text: "ed25519-private:<base64 seed>" and
// "ed25519:<base64 public key>".
const (
	privatePrefix = "ed25519-private:"
	publicPrefix  = "ed25519:"
)

// EncodePublicKey renders a public key for configuration files.
func EncodePublicKey(k ed25519.PublicKey) string {
	return publicPrefix + base64.StdEncoding.EncodeToString(k)
}

// ParsePublicKey parses a key made by EncodePublicKey.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), publicPrefix))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("plugin key %q: want ed25519:<base64 of 32 bytes>", s)
	}
	return ed25519.PublicKey(b), nil
}

// ParsePublicKeys parses a comma- or newline-separated list of keys.
func ParsePublicKeys(s string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if f = strings.TrimSpace(f); f == "" || strings.HasPrefix(f, "#") {
			continue
		}
		k, err := ParsePublicKey(f)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// LoadOrCreateSigningKey reads a private key file, creating one (0600, with
// the public key beside it as <path>.pub) when it does not exist.
func LoadOrCreateSigningKey(path string) (ed25519.PrivateKey, bool, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		seed, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(b)), privatePrefix))
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, false, fmt.Errorf("signing key %s: not an ed25519 private key", path)
		}
		return ed25519.NewKeyFromSeed(seed), false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	if err := os.WriteFile(path, []byte(privatePrefix+base64.StdEncoding.EncodeToString(priv.Seed())+"\n"), 0o600); err != nil {
		return nil, false, err
	}
	if err := os.WriteFile(path+".pub", []byte(EncodePublicKey(pub)+"\n"), 0o644); err != nil {
		return nil, false, err
	}
	return priv, true, nil
}
