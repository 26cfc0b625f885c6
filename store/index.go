package store

import (
	"bytes"
	"fmt"
)

// Job records and their secondary indexes. Every change to a job goes through
// putJob or removeJob, so the indexes, and the quota reservation totals
// (quota.go), cannot drift from the records.

// indexEntry is one secondary-index key owned by a job record.
type indexEntry struct {
	bucket []byte
	key    []byte
}

// jobIndexes lists the index entries that j owns in its current state.
func jobIndexes(j *Job) ([]indexEntry, error) {
	id, ok := idBytes(j.ID)
	if !ok {
		return nil, fmt.Errorf("job id %q: %w", j.ID, ErrInvalid)
	}
	code, ok := statusCode(j.Status)
	if !ok {
		return nil, fmt.Errorf("job %s: unknown status %q", j.ID, j.Status)
	}
	owner := ownerPrefix(j.KeyID)
	entries := []indexEntry{
		{bucketJobsByKey, concat(owner, id)},
		{bucketJobsByKeyStatus, concat(owner, []byte{code}, id)},
	}
	switch {
	case j.Status == Queued:
		entries = append(entries, indexEntry{queueBucket(j), id}, indexEntry{bucketClaimQueue, claimKey(j, id)})
	case j.Status == Processing:
		entries = append(entries, indexEntry{bucketProcessing, id})
	case j.Status.Terminal():
		entries = append(entries, indexEntry{bucketJobsByCompleted, concat(timeKey(j.CompletedAt), id)})
	}
	if j.Isolated && !j.Status.Terminal() {
		entries = append(entries, indexEntry{bucketQuarantine, id})
	}
	return entries, nil
}

// getJob loads a job by its ID string; ErrNotFound for unknown or malformed
// IDs.
func (t *txn) getJob(id string) (Job, error) {
	k, ok := idBytes(id)
	if !ok {
		return Job{}, ErrNotFound
	}
	return t.getJobByKey(k)
}

// getJobByKey loads a job by its 16-byte key.
func (t *txn) getJobByKey(k []byte) (Job, error) {
	v := t.bucket(bucketJobs).Get(k)
	if v == nil {
		return Job{}, ErrNotFound
	}
	return decodeJob(v)
}

// putJob writes next and moves its index entries from prev's state; prev is
// nil for a new job.
func (t *txn) putJob(prev *Job, next Job) error {
	id, ok := idBytes(next.ID)
	if !ok {
		return fmt.Errorf("job id %q: %w", next.ID, ErrInvalid)
	}
	v, err := encodeJob(next)
	if err != nil {
		return err
	}
	if prev != nil {
		if err := t.deleteIndexes(prev); err != nil {
			return err
		}
	}
	if err := t.moveReservation(prev, &next); err != nil {
		return err
	}
	entries, err := jobIndexes(&next)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := t.bucket(e.bucket).Put(e.key, nil); err != nil {
			return fmt.Errorf("index job %s in %s: %w", next.ID, e.bucket, err)
		}
	}
	if err := t.bucket(bucketJobs).Put(id, v); err != nil {
		return fmt.Errorf("put job %s: %w", next.ID, err)
	}
	return nil
}

func (t *txn) deleteIndexes(j *Job) error {
	entries, err := jobIndexes(j)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := t.bucket(e.bucket).Delete(e.key); err != nil {
			return fmt.Errorf("unindex job %s in %s: %w", j.ID, e.bucket, err)
		}
	}
	return nil
}

// removeJob deletes a job with its transcript, index entries, idempotency
// entry, and the deliveries for it that are no longer pending. Pending
// deliveries stay so that the webhook is still sent; their payload does not
// depend on the job record.
func (t *txn) removeJob(j Job) error {
	id, ok := idBytes(j.ID)
	if !ok {
		return fmt.Errorf("job id %q: %w", j.ID, ErrInvalid)
	}
	if err := t.deleteIndexes(&j); err != nil {
		return err
	}
	if err := t.moveReservation(&j, nil); err != nil {
		return err
	}
	if j.IdempotencyKey != "" {
		ik := idempotencyKey(j)
		if rec, ok, err := t.getIdempotency(ik); err != nil {
			return err
		} else if ok && rec.JobID == j.ID {
			if err := t.bucket(bucketIdempotency).Delete(ik); err != nil {
				return err
			}
		}
	}
	if err := t.removeFinishedDeliveries(id); err != nil {
		return err
	}
	if err := t.bucket(bucketTranscripts).Delete(id); err != nil {
		return err
	}
	return t.bucket(bucketJobs).Delete(id)
}

// scanPrefix calls fn with the suffix of every key in bucket that starts with
// prefix, in key order. fn must not modify the bucket.
func (t *txn) scanPrefix(bucket, prefix []byte, fn func(suffix []byte) error) error {
	c := t.bucket(bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if err := fn(k[len(prefix):]); err != nil {
			return err
		}
	}
	return nil
}
