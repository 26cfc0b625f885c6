package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// DefaultIdempotencyTTL is how long an idempotency key is remembered when
// CreateLimits.IdempotencyTTL is zero.
const DefaultIdempotencyTTL = 24 * time.Hour

// CreateLimits carries the admission checks and the idempotency data for
// CreateJob. They are checked in the transaction that writes the job.
type CreateLimits struct {
	// MaxQueued caps the key's queued plus processing jobs; 0 means no cap.
	MaxQueued int
	// QuotaSeconds is the key's monthly audio allowance; 0 means unlimited.
	QuotaSeconds int64
	// ProbedSeconds is the new job's audio length. It is reserved for the
	// job (Job.Reserved) and, with a quota, must fit with the usage and the
	// reservations of this UTC month. 0 means unknown (a URL import, which
	// reserves once downloaded, see ReserveAudio); with a quota, such a job
	// is admitted only while the quota is not used up.
	ProbedSeconds float64
	// IdempotencyKey, when set, makes CreateJob idempotent per (KeyID,
	// IdempotencyKey). When empty, Job.IdempotencyKey is used.
	IdempotencyKey string
	// RequestHash identifies the request body; a repeat with another hash is
	// an ErrIdempotencyConflict.
	RequestHash string
	// IdempotencyTTL is how long the key is remembered; DefaultIdempotencyTTL
	// when zero.
	IdempotencyTTL time.Duration
}

// CreateJob stores job as queued and returns it with its ID, CreatedAt,
// Status, Stage, Attempt and MaxAttempts filled in. An empty job.ID gets a
// fresh UUIDv7; a caller-chosen ID (to name the upload after it) must be a
// UUIDv7 too, or ErrInvalid.
//
// With an idempotency key that was used by the same API key within the TTL,
// CreateJob creates nothing: it returns the original job and existing=true
// when the request hash matches, ErrIdempotencyConflict when it does not.
// Only then are the limits checked: ErrQueueFull, ErrQuotaExceeded (a
// *QuotaError). The job's reservation is written in the same transaction as
// the check, so concurrent creates cannot together exceed the quota.
func (s *Store) CreateJob(job Job, lim CreateLimits) (Job, bool, error) {
	job, lim, err := prepareCreate(job, lim)
	if err != nil {
		return Job{}, false, fmt.Errorf("store: create job: %w", err)
	}
	idKey, _ := idBytes(job.ID)

	var existing bool
	err = s.update(func(tx *txn) error {
		now := s.now()
		var err error
		if existing, err = admission(tx, &job, lim, now); err != nil || existing {
			return err
		}
		if tx.bucket(bucketJobs).Get(idKey) != nil {
			return fmt.Errorf("job %s: %w", job.ID, ErrExists)
		}
		if err := tx.putJob(nil, job); err != nil {
			return err
		}
		if job.IdempotencyKey != "" {
			return tx.putIdempotency(idempotencyKey(job), idempotencyRecord{JobID: job.ID, RequestHash: lim.RequestHash, CreatedAt: now})
		}
		return nil
	})
	if err != nil {
		return Job{}, false, fmt.Errorf("store: create job: %w", err)
	}
	return job, existing, nil
}

// idempotentJob returns the job an unexpired idempotency entry of job's key
// points to. found is false when there is no usable entry; an expired
// entry, or one whose job is gone, is overwritten by the caller.
func (t *txn) idempotentJob(job Job, now time.Time, lim CreateLimits) (Job, bool, error) {
	rec, ok, err := t.getIdempotency(idempotencyKey(job))
	if err != nil || !ok {
		return Job{}, false, err
	}
	prior, err := t.getJob(rec.JobID)
	if errors.Is(err, ErrNotFound) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, err
	}
	usable, err := idempotencyHit(prior, rec.CreatedAt, rec.RequestHash, now, lim)
	if !usable || err != nil {
		return Job{}, false, err
	}
	return prior, true, nil
}

// idempotencyKey is the key of job's entry in the idempotency bucket.
func idempotencyKey(job Job) []byte {
	return concat(ownerPrefix(job.KeyID), []byte(job.IdempotencyKey))
}

// lockKey does nothing: bbolt runs one write transaction at a time, which
// serialises the admissions of every key.
func (t *txn) lockKey(string) error { return nil }

func (t *txn) getIdempotency(ik []byte) (idempotencyRecord, bool, error) {
	v := t.bucket(bucketIdempotency).Get(ik)
	if v == nil {
		return idempotencyRecord{}, false, nil
	}
	var rec idempotencyRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return idempotencyRecord{}, false, fmt.Errorf("decode idempotency entry: %w", err)
	}
	return rec, true, nil
}

func (t *txn) putIdempotency(ik []byte, rec idempotencyRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return t.bucket(bucketIdempotency).Put(ik, v)
}

// countActive counts the key's queued and processing jobs from the status
// index.
func (t *txn) countActive(keyID string) (int, error) {
	n := 0
	owner := ownerPrefix(keyID)
	for _, st := range []Status{Queued, Processing} {
		code, _ := statusCode(st)
		err := t.scanPrefix(bucketJobsByKeyStatus, concat(owner, []byte{code}), func([]byte) error {
			n++
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}
