package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCompact fills a store, deletes most of it, and compacts: the file
// shrinks and what was kept is still there, indexes intact.
func TestCompact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instanttranscriber.db")
	s, err := Open(path, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	meta := make([]byte, 3000)
	for i := range meta {
		meta[i] = 'x'
	}
	var ids []string
	for range 400 {
		j := mustCreate(t, s, Job{KeyID: "k1", Metadata: []byte(`{"pad":"` + string(meta) + `"}`)})
		ids = append(ids, j.ID)
	}
	keep := ids[len(ids)-1]
	for _, id := range ids[:len(ids)-1] {
		if _, err := s.CancelJob(id, "k1", nil); err != nil {
			t.Fatalf("CancelJob: %v", err)
		}
		if _, err := s.DeleteJob(id, "k1"); err != nil {
			t.Fatalf("DeleteJob: %v", err)
		}
	}

	// While the store is open, compaction must refuse (the file lock).
	if _, _, err := Compact(path, Options{Timeout: 50 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("Compact of an open store: err = %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	before, after, err := Compact(path, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Size() != after {
		t.Errorf("file is %d bytes, Compact reported %d", fi.Size(), after)
	}
	if after*2 > before {
		t.Errorf("compacted %d -> %d bytes, want at least half reclaimed", before, after)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	s = openTestStore(t, path, nil)
	if _, err := s.GetJob(keep); err != nil {
		t.Errorf("kept job after compaction: %v", err)
	}
	if _, err := s.GetJob(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted job after compaction: err = %v, want ErrNotFound", err)
	}
	checkIndexes(t, s)
}
