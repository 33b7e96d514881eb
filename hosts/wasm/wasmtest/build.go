// Package wasmtest runs plugins under the real WebAssembly host in tests,
// with the limits and host functions production uses: Build finds or builds
// a plugin's .wasm (from `make plugins` output when it is fresh, else with
// the standard Go toolchain, cached by a hash of the sources), and Load
// gives a ready hosts.Plugin backed by a pdktest fake for config, secrets
// and the key-value store — the same fake authors use natively.
package wasmtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var buildMu sync.Mutex // one go build at a time per test binary (2-core machines)

// Root returns the affcore module root (the directory of its go.mod).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(b), "module github.com/affcore/affcore\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("wasmtest: affcore module root not found above the working directory")
		}
		dir = parent
	}
}

// Build returns the .wasm bytes of the plugin in dir (relative to the module
// root, e.g. "plugins/clickscore"). It never skips: a missing artifact is
// built with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared.
func Build(t testing.TB, dir string) []byte {
	t.Helper()
	path, err := BuildPath(Root(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BuildPath returns the path of an up-to-date .wasm of the plugin in dir,
// building it when needed.
func BuildPath(root, dir string) (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	srcDir := filepath.Join(root, dir)
	newest, hash, err := sourceState(root, srcDir)
	if err != nil {
		return "", err
	}
	dist := filepath.Join(root, "dist", "plugins", filepath.Base(dir)+".wasm")
	if st, err := os.Stat(dist); err == nil && st.ModTime().After(newest) {
		return dist, nil
	}
	cacheDir := filepath.Join(os.TempDir(), "affcore-wasm-build")
	out := filepath.Join(cacheDir, filepath.Base(dir)+"-"+hash[:16]+".wasm")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-o", tmp, "./"+filepath.ToSlash(dir))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("wasmtest: build %s: %v\n%s", dir, err, b)
	}
	return out, os.Rename(tmp, out)
}

// sourceState returns the newest modification time and a content hash of
// the plugin's sources and the PDK's.
func sourceState(root, srcDir string) (time.Time, string, error) {
	var files []string
	for _, d := range []string{srcDir, filepath.Join(root, "pdk", "go")} {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && p != d && (e.Name() == "testdata" && d != srcDir) {
				return filepath.SkipDir
			}
			if !e.IsDir() && (strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".mod")) && !strings.HasSuffix(p, "_test.go") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return time.Time{}, "", err
		}
	}
	sort.Strings(files)
	h := sha256.New()
	h.Write([]byte(runtime.Version()))
	var newest time.Time
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return time.Time{}, "", err
		}
		if st, err := os.Stat(f); err == nil && st.ModTime().After(newest) {
			newest = st.ModTime()
		}
		fmt.Fprintf(h, "%s\x00%d\x00", strings.TrimPrefix(f, root), len(b))
		h.Write(b)
	}
	return newest, hex.EncodeToString(h.Sum(nil)), nil
}
