package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestBackupOpensWithTheData: a backup is a store file with the keys, jobs,
// transcripts and usage of the original, and its indexes are whole.
func TestBackupOpensWithTheData(t *testing.T) {
	s, clock := clockedStore(t)
	key := mustKey(t, s, Key{Name: "crm", Hash: sha256.Sum256([]byte("secret")), QuotaSeconds: 3600})
	done := mustCreate(t, s, Job{KeyID: key.ID})
	claim(t, s, done.ID)
	if _, err := s.FinishJob(done.ID, Outcome{Status: Completed, Transcript: []byte(`{"text":"hello"}`), ChargeSeconds: 11}); err != nil {
		t.Fatal(err)
	}
	queued := mustCreate(t, s, Job{KeyID: key.ID})

	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Fatalf("Backup = %d bytes, wrote %d", n, buf.Len())
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := openTestStore(t, path, clock.Now)
	keys, err := b.ListKeys()
	if err != nil || len(keys) != 1 || keys[0].ID != key.ID || keys[0].Hash != key.Hash || keys[0].QuotaSeconds != 3600 {
		t.Errorf("backup keys = %+v, %v; want the one key %s", keys, err, key.ID)
	}
	for _, tc := range []struct {
		id   string
		want Status
	}{{done.ID, Completed}, {queued.ID, Queued}} {
		if j, err := b.GetJob(tc.id); err != nil || j.Status != tc.want {
			t.Errorf("backup job %s = %s, %v; want %s", tc.id, j.Status, err, tc.want)
		}
	}
	if tr, err := b.GetTranscript(done.ID); err != nil || string(tr) != `{"text":"hello"}` {
		t.Errorf("backup transcript = %q, %v", tr, err)
	}
	if used, err := b.Usage(key.ID, clock.Now()); err != nil || used != 11 {
		t.Errorf("backup usage = %v, %v; want 11", used, err)
	}
	// The restored queue hands out the queued job.
	claim(t, b, queued.ID)
	checkIndexes(t, b)
}

// TestBackupWhileWriting: writers keep committing during a backup, and the
// copy is a consistent snapshot (every index matches its records).
func TestBackupWhileWriting(t *testing.T) {
	s := newTestStore(t, nil)
	for i := range 50 {
		mustCreate(t, s, Job{KeyID: fmt.Sprintf("k%d", i%3)})
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := s.CreateJob(Job{KeyID: "k1"}, CreateLimits{}); err != nil {
				t.Errorf("CreateJob: %v", err)
				return
			}
			if _, err := s.ClaimNext(); err != nil {
				t.Errorf("ClaimNext: %v", err)
				return
			}
		}
	})
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Backup(f)
	close(stop)
	wg.Wait()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	b := openTestStore(t, path, nil)
	checkIndexes(t, b)
	jobs, _, err := b.ListJobs("k0", "", 100, "")
	if err != nil || len(jobs) != 17 {
		t.Errorf("backup jobs of k0 = %d, %v; want 17", len(jobs), err)
	}
}

// failWriter fails after max bytes.
type failWriter struct{ n, max int }

var errFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.max {
		return 0, errFull
	}
	w.n += len(p)
	return len(p), nil
}

func TestBackupWriteError(t *testing.T) {
	s := newTestStore(t, nil)
	// bbolt reports the writer's error as text, not wrapped.
	if _, err := s.Backup(&failWriter{max: 4096}); err == nil || !strings.Contains(err.Error(), errFull.Error()) {
		t.Errorf("Backup to a failing writer: %v; want the writer's error", err)
	}
	// The store still works after a failed backup.
	if _, err := s.CreateKey(Key{Name: "after", Hash: sha256.Sum256([]byte("x"))}); err != nil {
		t.Errorf("CreateKey after a failed backup: %v", err)
	}
}
