package datadir_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/affcore/affcore/core/datadir"
)

func TestAcquire(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l, err := datadir.Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datadir.Acquire(dir); !errors.Is(err, datadir.ErrLocked) {
		t.Fatalf("second acquire: %v; want ErrLocked", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := datadir.Acquire(dir)
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	l2.Release()
}

func TestAcquire_NotWritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := datadir.Acquire(filepath.Join(file, "data")); err == nil {
		t.Fatal("acquired a data dir below a regular file")
	}
}
