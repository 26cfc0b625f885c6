package store

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// compactTxSize is how many bytes Compact copies per write transaction.
const compactTxSize = 64 << 20

// Compact rewrites the database file at path without its free pages, so
// that the file shrinks after many deletions (bbolt reuses freed pages but
// never returns them to the file system). It takes the file lock for the
// whole run, so it fails with ErrLocked while a server uses the file. The
// copy is written next to path, synced and renamed over it: a crash leaves
// either the old file or the new one. It returns the sizes before and after.
func Compact(path string, opts Options) (before, after int64, err error) {
	src, err := Open(path, opts)
	if err != nil {
		return 0, 0, err
	}
	defer src.Close()
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".compact.tmp")
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, fi.Mode().Perm(), nil)
	if err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	defer os.Remove(tmp) // a no-op once renamed
	if err := bolt.Compact(dst, src.db, compactTxSize); err != nil {
		_ = dst.Close()
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	// Close syncs nothing by itself; every Compact transaction was fsynced
	// at commit (bbolt's default), so the file is durable once closed.
	if err := dst.Close(); err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	nfi, err := os.Stat(tmp)
	if err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, 0, fmt.Errorf("store: compact: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return fi.Size(), nfi.Size(), nil
}
