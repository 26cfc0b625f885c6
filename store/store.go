package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// schemaVersion is the layout described in doc.go.
const schemaVersion = 1

// DefaultLockTimeout is how long Open waits for the file lock by default.
const DefaultLockTimeout = time.Second

// Bucket and meta key names; doc.go describes the tree.
var (
	bucketMeta            = []byte("meta")
	bucketJobs            = []byte("jobs")
	bucketTranscripts     = []byte("transcripts")
	bucketQueue           = []byte("queue")
	bucketSyncQueue       = []byte("sync_queue")
	bucketProcessing      = []byte("processing")
	bucketClaimQueue      = []byte("claim_queue")
	bucketQuarantine      = []byte("quarantine")
	bucketJobsByKey       = []byte("jobs_by_key")
	bucketJobsByKeyStatus = []byte("jobs_by_key_status")
	bucketJobsByCompleted = []byte("jobs_by_completed")
	bucketIdempotency     = []byte("idempotency")
	bucketKeys            = []byte("keys")
	bucketKeyHashes       = []byte("key_hashes")
	bucketUsage           = []byte("usage")
	bucketReserved        = []byte("reserved")
	bucketDeliveries      = []byte("deliveries")
	bucketDeliveriesDue   = []byte("deliveries_due")
	bucketDeliveriesByJob = []byte("deliveries_by_job")

	metaSchemaVersion = []byte("schema_version")
	metaSecretPrefix  = "secret."
)

var allBuckets = [][]byte{
	bucketMeta, bucketJobs, bucketTranscripts, bucketQueue, bucketSyncQueue, bucketProcessing,
	bucketJobsByKey, bucketJobsByKeyStatus, bucketJobsByCompleted,
	bucketIdempotency, bucketKeys, bucketKeyHashes, bucketUsage, bucketReserved,
	bucketDeliveries, bucketDeliveriesDue, bucketDeliveriesByJob,
	bucketClaimQueue, bucketQuarantine,
}

// Options configures Open.
type Options struct {
	// Now is the clock; time.Now when nil. Tests inject a fake one.
	Now func() time.Time
	// Timeout bounds the wait for the file lock; DefaultLockTimeout when
	// zero. Open returns ErrLocked when it runs out.
	Timeout time.Duration
}

// Store is the bbolt-backed job store. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	clock func() time.Time
}

// Open opens or creates the database file at path, creates missing buckets
// and checks the schema version. The directory must exist.
func Open(path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("store: open %s: %w (waited %s; is another instance using this data directory?)", path, ErrLocked, opts.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.Update(initSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &Store{db: db, clock: opts.Now}, nil
}

// initSchema checks the schema version of an existing file before touching
// it, then creates missing buckets and records the version.
func initSchema(tx *bolt.Tx) error {
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v := meta.Get(metaSchemaVersion); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("%w: schema version has %d bytes", ErrSchema, len(v))
			}
			switch n := binary.BigEndian.Uint64(v); {
			case n > schemaVersion:
				return fmt.Errorf("%w: file has schema version %d, this build supports %d; upgrade instanttranscriber", ErrSchema, n, schemaVersion)
			case n < 1:
				return fmt.Errorf("%w: file has schema version %d", ErrSchema, n)
			}
		}
	}
	backfill := tx.Bucket(bucketClaimQueue) == nil && tx.Bucket(bucketJobs) != nil
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	if backfill {
		if err := backfillClaimQueue(tx); err != nil {
			return err
		}
	}
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, schemaVersion)
	return tx.Bucket(bucketMeta).Put(metaSchemaVersion, v)
}

// Close closes the database file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// now reads the clock in UTC without a monotonic reading, so a stored time
// compares equal to the one returned.
func (s *Store) now() time.Time {
	return s.clock().UTC().Round(0)
}

// txn wraps a bbolt transaction with the record helpers. It never leaves the
// package.
type txn struct {
	tx *bolt.Tx
}

func (s *Store) update(fn func(*txn) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(&txn{tx: tx}) })
}

func (s *Store) view(fn func(*txn) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(&txn{tx: tx}) })
}

// bucket returns a top-level bucket; Open created them all.
func (t *txn) bucket(name []byte) *bolt.Bucket {
	return t.tx.Bucket(name)
}
