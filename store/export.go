package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Snapshot receives everything a store holds, record by record: Export
// feeds one from the bbolt file, Postgres.Import writes one into an empty
// database, and a checker can compare one with another store.
type Snapshot interface {
	// Job is a job with its transcript (nil when it has none).
	Job(j Job, transcript []byte) error
	Key(k Key) error
	// Usage is a key's charged seconds in a month (YYYY-MM).
	Usage(keyID, month string, seconds float64) error
	// Idempotency is an idempotency entry of a key.
	Idempotency(keyID, idemKey string, rec IdempotencyEntry) error
	Delivery(d Delivery) error
	// Secrets are the versions of a named secret, current first.
	Secrets(name string, vs []SecretVersion) error
}

// IdempotencyEntry is what an idempotency key points to.
type IdempotencyEntry struct {
	JobID       string
	RequestHash string
	CreatedAt   time.Time
}

// Export feeds to everything the file holds, in one read transaction:
// keys, secrets, jobs (oldest first) with their transcripts, usage,
// idempotency entries, deliveries. The reserved totals and the indexes are
// not exported: they follow from the jobs.
func (s *Store) Export(to Snapshot) error {
	err := s.view(func(tx *txn) error {
		if err := tx.bucket(bucketKeys).ForEach(func(_, v []byte) error {
			k, err := decodeKey(v)
			if err != nil {
				return err
			}
			return to.Key(k)
		}); err != nil {
			return err
		}
		if err := tx.bucket(bucketMeta).ForEach(func(k, v []byte) error {
			name, ok := strings.CutPrefix(string(k), metaSecretsPrefix)
			if !ok {
				if legacy, ok := strings.CutPrefix(string(k), metaSecretPrefix); ok {
					return to.Secrets(legacy, []SecretVersion{{ID: "1", Secret: append([]byte(nil), v...), Since: s.now()}})
				}
				return nil
			}
			var vs []SecretVersion
			if err := json.Unmarshal(v, &vs); err != nil {
				return fmt.Errorf("decode secret %s: %w", name, err)
			}
			return to.Secrets(name, vs)
		}); err != nil {
			return err
		}
		if err := tx.bucket(bucketJobs).ForEach(func(id, v []byte) error {
			j, err := decodeJob(v)
			if err != nil {
				return err
			}
			var tr []byte
			if b := tx.bucket(bucketTranscripts).Get(id); b != nil {
				tr = append([]byte(nil), b...)
			}
			return to.Job(j, tr)
		}); err != nil {
			return err
		}
		if err := tx.bucket(bucketUsage).ForEach(func(k, v []byte) error {
			keyID, month, err := splitOwner(k)
			if err != nil {
				return err
			}
			secs, err := decodeFloat(v)
			if err != nil {
				return err
			}
			return to.Usage(keyID, string(month), secs)
		}); err != nil {
			return err
		}
		if err := tx.bucket(bucketIdempotency).ForEach(func(k, v []byte) error {
			keyID, idem, err := splitOwner(k)
			if err != nil {
				return err
			}
			var rec idempotencyRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode idempotency entry: %w", err)
			}
			return to.Idempotency(keyID, string(idem), IdempotencyEntry(rec))
		}); err != nil {
			return err
		}
		return tx.bucket(bucketDeliveries).ForEach(func(_, v []byte) error {
			d, err := decodeDelivery(v)
			if err != nil {
				return err
			}
			return to.Delivery(d)
		})
	})
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

// splitOwner splits a composite key that starts with ownerPrefix.
func splitOwner(k []byte) (keyID string, rest []byte, err error) {
	if len(k) < 2 {
		return "", nil, fmt.Errorf("composite key %x: too short", k)
	}
	n := int(binary.BigEndian.Uint16(k))
	if len(k) < 2+n {
		return "", nil, fmt.Errorf("composite key %x: bad length", k)
	}
	return string(k[2 : 2+n]), k[2+n:], nil
}
