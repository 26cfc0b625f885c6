package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// t0 is the start of every test clock: one hour before a UTC month boundary.
var t0 = time.Date(2025, 1, 31, 23, 0, 0, 0, time.UTC)

// newClock is a test clock that starts at t0.
func newClock() *e2e.Clock { return e2e.NewClock(t0) }

// newTestStore opens a store on a fresh bbolt file in t.TempDir() and closes
// it when the test ends. now may be nil for time.Now.
func newTestStore(t testing.TB, now func() time.Time) *Store {
	t.Helper()
	return openTestStore(t, filepath.Join(t.TempDir(), "instanttranscriber.db"), now)
}

// clockedStore is newTestStore on a test clock that starts at t0.
func clockedStore(t testing.TB) (*Store, *e2e.Clock) {
	t.Helper()
	clock := newClock()
	return newTestStore(t, clock.Now), clock
}

// openTestStore opens the file at path, as a restarted process would.
func openTestStore(t testing.TB, path string, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(path, Options{Now: now, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// reopen closes s, without finishing anything, and opens its file again.
func reopen(t *testing.T, s *Store) *Store {
	t.Helper()
	path := s.db.Path()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return openTestStore(t, path, s.clock)
}

// indexKey names one index entry in checkIndexes.
type indexKey struct{ bucket, key string }

// checkIndexes asserts that every secondary-index entry points to a record
// in the matching state and that every record has all its entries.
func checkIndexes(t *testing.T, s *Store) {
	t.Helper()
	want := map[indexKey]bool{}
	add := func(bucket, key []byte) { want[indexKey{string(bucket), string(key)}] = true }
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketJobs).ForEach(func(k, v []byte) error {
			job, err := decodeJob(v)
			if err != nil {
				return err
			}
			if id, _ := idBytes(job.ID); !bytes.Equal(id, k) {
				t.Errorf("job record under %x has id %s", k, job.ID)
			}
			entries, err := jobIndexes(&job)
			if err != nil {
				return err
			}
			for _, e := range entries {
				add(e.bucket, e.key)
			}
			if job.IdempotencyKey != "" {
				add(bucketIdempotency, concat(ownerPrefix(job.KeyID), []byte(job.IdempotencyKey)))
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketDeliveries).ForEach(func(k, v []byte) error {
			d, err := decodeDelivery(v)
			if err != nil {
				return err
			}
			jobKey, _ := idBytes(d.JobID)
			add(bucketDeliveriesByJob, concat(jobKey, k))
			if d.Status == DeliveryPending {
				add(bucketDeliveriesDue, concat(timeKey(d.NextAt), k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		got := map[indexKey]bool{}
		for _, b := range [][]byte{
			bucketQueue, bucketSyncQueue, bucketProcessing, bucketJobsByKey, bucketJobsByKeyStatus,
			bucketJobsByCompleted, bucketIdempotency, bucketDeliveriesDue, bucketDeliveriesByJob,
			bucketClaimQueue, bucketQuarantine,
		} {
			err := tx.Bucket(b).ForEach(func(k, _ []byte) error {
				got[indexKey{string(b), string(k)}] = true
				return nil
			})
			if err != nil {
				return err
			}
		}
		for e := range got {
			if !want[e] {
				t.Errorf("stray index entry %s/%x", e.bucket, e.key)
			}
		}
		for e := range want {
			if !got[e] {
				t.Errorf("missing index entry %s/%x", e.bucket, e.key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("checkIndexes: %v", err)
	}
}

func TestOpenLocked(t *testing.T) {
	s := newTestStore(t, nil)
	// flock(2) locks belong to the open file description, so a second open
	// of the same file in this process conflicts just as another process
	// would.
	start := time.Now()
	s2, err := Open(s.db.Path(), Options{Timeout: 100 * time.Millisecond})
	if err == nil {
		s2.Close()
		t.Fatal("second Open succeeded; want ErrLocked")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v; want ErrLocked", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("second Open took %s; want about the 100ms timeout", d)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	s := newTestStore(t, nil)
	err := s.db.Update(func(tx *bolt.Tx) error {
		v := make([]byte, 8)
		binary.BigEndian.PutUint64(v, schemaVersion+1)
		return tx.Bucket(bucketMeta).Put(metaSchemaVersion, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	path := s.db.Path()
	s.Close()
	s2, err := Open(path, Options{})
	if err == nil {
		s2.Close()
		t.Fatal("Open of a newer schema succeeded")
	}
	if !errors.Is(err, ErrSchema) {
		t.Errorf("Open: %v; want ErrSchema", err)
	}
}

func TestReopenKeepsSchemaVersion(t *testing.T) {
	s := reopen(t, newTestStore(t, nil))
	var got uint64
	s.db.View(func(tx *bolt.Tx) error {
		got = binary.BigEndian.Uint64(tx.Bucket(bucketMeta).Get(metaSchemaVersion))
		return nil
	})
	if got != schemaVersion {
		t.Errorf("schema version = %d; want %d", got, schemaVersion)
	}
}

func TestSecret(t *testing.T) {
	s := newTestStore(t, nil)
	a, err := s.Secret("download", 32)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
		t.Fatalf("Secret = %x; want 32 random bytes", a)
	}
	other, err := s.Secret("other", 32)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, other) {
		t.Error("two secret names share one value")
	}
	s = reopen(t, s)
	b, err := s.Secret("download", 32)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("Secret after reopen = %x; want %x", b, a)
	}
	if _, err := s.Secret("download", 16); err == nil {
		t.Error("Secret with another size succeeded; want an error")
	}
}

// countActive returns how many of keyID's jobs are queued or processing,
// as CreateJob counts them for CreateLimits.MaxActive.
func countActive(t *testing.T, s *Store, keyID string) int {
	t.Helper()
	var n int
	err := s.view(func(tx *txn) error {
		var err error
		n, err = tx.countActive(keyID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
