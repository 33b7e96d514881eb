package secret_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/affcore/affcore/core/secret"
)

func TestBox(t *testing.T) {
	key, created, err := secret.LoadOrCreateKeyFile(filepath.Join(t.TempDir(), "master.key"))
	if err != nil || !created {
		t.Fatalf("create key: %v created=%v", err, created)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal([]byte("api-secret"), []byte("tenant-a"))
	if bytes.Contains(sealed, []byte("api-secret")) {
		t.Fatal("plaintext visible in sealed value")
	}
	if pt, err := box.Open(sealed, []byte("tenant-a")); err != nil || string(pt) != "api-secret" {
		t.Fatalf("open = %q, %v", pt, err)
	}
	if _, err := box.Open(sealed, []byte("tenant-b")); err == nil {
		t.Error("opened with another tenant's aad")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := box.Open(sealed, []byte("tenant-a")); err == nil {
		t.Error("opened a tampered value")
	}
}

func TestLoadOrCreateKeyFile_Reload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	k1, _, _ := secret.LoadOrCreateKeyFile(path)
	k2, created, err := secret.LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("reload: created=%v err=%v equal=%v", created, err, bytes.Equal(k1, k2))
	}
	if _, err := secret.ParseKey("short"); err == nil {
		t.Error("ParseKey accepted a short key")
	}
}

func TestBox_DeriveKey(t *testing.T) {
	box, _ := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	a, b := box.DeriveKey("session-jwt"), box.DeriveKey("link-token")
	if len(a) != 32 || bytes.Equal(a, b) || !bytes.Equal(a, box.DeriveKey("session-jwt")) {
		t.Fatal("derived keys must be 32 bytes, stable per purpose and distinct across purposes")
	}
}
