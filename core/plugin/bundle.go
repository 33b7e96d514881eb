package plugin

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/affcore/affcore/core"
)

// A bundle is a tar archive of three files: manifest.json, plugin.wasm and,
// when signed, signature.json. The signature is ed25519 over
// "affcore-plugin-bundle-v1\n" + hex sha256(manifest.json) + "\n" + hex
// sha256(plugin.wasm), so neither file can change without breaking it.
const (
	fileManifest  = "manifest.json"
	fileWasm      = "plugin.wasm"
	fileSignature = "signature.json"
	signedPrefix  = "affcore-plugin-bundle-v1\n"
	// MaxBundle bounds an uploaded bundle.
	MaxBundle = 24 << 20
	// MaxArtifact bounds a plugin's .wasm (PLUGINS.md: ≤ 16 MiB).
	MaxArtifact = 16 << 20
)

// Bundle is an opened bundle.
type Bundle struct {
	Manifest    Manifest
	ManifestRaw []byte
	Wasm        []byte
	SHA256      string // of Wasm
	Signature   *Signature
}

// Signature is signature.json.
type Signature struct {
	KeyID string `json:"key_id"`
	Sig   string `json:"sig"` // base64
}

// ErrBadSignature marks a bundle whose signature does not verify: it was
// tampered with or signed by an untrusted key.
var ErrBadSignature = errors.New("bundle signature does not verify")

// signedMessage is what a bundle signature covers.
func signedMessage(manifest, wasm []byte) []byte {
	m, w := sha256.Sum256(manifest), sha256.Sum256(wasm)
	return []byte(signedPrefix + hex.EncodeToString(m[:]) + "\n" + hex.EncodeToString(w[:]))
}

// KeyID names a public key: the first 16 hex digits of its sha256.
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// Pack builds a bundle; key nil leaves it unsigned.
func Pack(manifest, wasm []byte, key ed25519.PrivateKey) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, b []byte) error {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := add(fileManifest, manifest); err != nil {
		return nil, err
	}
	if err := add(fileWasm, wasm); err != nil {
		return nil, err
	}
	if key != nil {
		sig := Signature{KeyID: KeyID(key.Public().(ed25519.PublicKey)),
			Sig: base64.StdEncoding.EncodeToString(ed25519.Sign(key, signedMessage(manifest, wasm)))}
		b, _ := json.Marshal(sig)
		if err := add(fileSignature, b); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// OpenBundle reads and validates a bundle: the three known files, no
// others, a valid manifest, a bounded artifact. It does not verify the
// signature (see Verify).
func OpenBundle(b []byte) (Bundle, error) {
	var out Bundle
	if len(b) > MaxBundle {
		return out, core.Invalid("bundle", fmt.Sprintf("larger than %d MiB", MaxBundle>>20))
	}
	files, err := readTar(b)
	if err != nil {
		return out, core.Invalid("bundle", err.Error())
	}
	out.ManifestRaw, out.Wasm = files[fileManifest], files[fileWasm]
	if out.ManifestRaw == nil || out.Wasm == nil {
		return out, core.Invalid("bundle", "must contain manifest.json and plugin.wasm")
	}
	if len(out.Wasm) > MaxArtifact {
		return out, core.Invalid("bundle", fmt.Sprintf("plugin.wasm is larger than %d MiB", MaxArtifact>>20))
	}
	if raw := files[fileSignature]; raw != nil {
		out.Signature = &Signature{}
		if err := json.Unmarshal(raw, out.Signature); err != nil {
			return out, core.Invalid("bundle", "signature.json is not valid JSON")
		}
	}
	sum := sha256.Sum256(out.Wasm)
	out.SHA256 = hex.EncodeToString(sum[:])
	out.Manifest, err = ParseManifest(out.ManifestRaw)
	return out, err
}

func readTar(b []byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not a plugin bundle (tar): %v", err)
		}
		switch hdr.Name {
		case fileManifest, fileWasm, fileSignature:
		default:
			return nil, fmt.Errorf("unexpected file %q in bundle", hdr.Name)
		}
		if _, dup := files[hdr.Name]; dup || hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("bad entry %q in bundle", hdr.Name)
		}
		data, err := io.ReadAll(io.LimitReader(tr, MaxBundle))
		if err != nil {
			return nil, err
		}
		files[hdr.Name] = data
	}
}

// Verify checks the bundle's signature against trusted keys. It returns the
// signing key's id when the signature verifies, "" for an unsigned bundle,
// and ErrBadSignature when a signature is present but does not verify with
// any trusted key.
func (b Bundle) Verify(trusted []ed25519.PublicKey) (string, error) {
	if b.Signature == nil {
		return "", nil
	}
	sig, err := base64.StdEncoding.DecodeString(b.Signature.Sig)
	if err != nil {
		return "", ErrBadSignature
	}
	msg := signedMessage(b.ManifestRaw, b.Wasm)
	for _, k := range trusted {
		if KeyID(k) == b.Signature.KeyID && ed25519.Verify(k, msg, sig) {
			return KeyID(k), nil
		}
	}
	return "", ErrBadSignature
}
