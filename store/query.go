package store

import (
	"bytes"
	"encoding/base64"
	"fmt"
)

// DefaultListLimit is the page size ListJobs uses when limit is not positive.
const DefaultListLimit = 50

// GetJob returns a job by ID, or ErrNotFound.
func (s *Store) GetJob(id string) (Job, error) {
	return read(s.view, "get job "+id, func(tx *txn) (Job, error) {
		return tx.getJob(id)
	})
}

// GetJobForKey returns a job owned by keyID. Another key's job is
// ErrNotFound, indistinguishable from a missing one.
func (s *Store) GetJobForKey(id, keyID string) (Job, error) {
	return read(s.view, "get job "+id, func(tx *txn) (Job, error) {
		return tx.ownedJob(id, keyID)
	})
}

// jobByID is getJob.
func (t *txn) jobByID(id string) (Job, error) { return t.getJob(id) }

// ownedForUpdate is ownedJob: bbolt's write transaction is the only one.
func (t *txn) ownedForUpdate(id, keyID string) (Job, error) { return t.ownedJob(id, keyID) }

// rewriteJob is putJob.
func (t *txn) rewriteJob(prev *Job, next Job) error { return t.putJob(prev, next) }

// ownedJob loads a job and hides it unless keyID owns it.
func (t *txn) ownedJob(id, keyID string) (Job, error) {
	job, err := t.getJob(id)
	if err != nil {
		return Job{}, err
	}
	if job.KeyID != keyID {
		return Job{}, ErrNotFound
	}
	return job, nil
}

// GetTranscript returns the transcript FinishJob stored for a job, or
// ErrNotFound. It does not check ownership; look the job up with
// GetJobForKey first.
func (s *Store) GetTranscript(id string) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *txn) error {
		k, ok := idBytes(id)
		if !ok {
			return ErrNotFound
		}
		v := tx.bucket(bucketTranscripts).Get(k)
		if v == nil {
			return ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: get transcript %s: %w", id, err)
	}
	return out, nil
}

// pageArgs checks ListJobs' arguments and returns the page size
// (DefaultListLimit when limit is not positive) and the ID bytes of the
// job the cursor names, nil for the first page. An unknown status or a
// malformed cursor is ErrInvalid.
func pageArgs(status Status, limit int, cursor string) (int, []byte, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	if status != "" && !status.Valid() {
		return 0, nil, fmt.Errorf("store: list jobs: unknown status %q: %w", status, ErrInvalid)
	}
	if cursor == "" {
		return limit, nil, nil
	}
	after, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(after) != 16 {
		return 0, nil, fmt.Errorf("store: list jobs: bad cursor: %w", ErrInvalid)
	}
	return limit, after, nil
}

// ListJobs returns keyID's jobs, newest first, optionally only those in
// status ("" for all). limit is the page size (DefaultListLimit when not
// positive). cursor is "" for the first page, then the nextCursor of the
// previous page; nextCursor is "" on the last page. Pagination is keyset
// based: jobs created after the first page was read do not shift later
// pages. An unknown status or a malformed cursor is ErrInvalid.
func (s *Store) ListJobs(keyID string, status Status, limit int, cursor string) ([]Job, string, error) {
	limit, after, err := pageArgs(status, limit, cursor)
	if err != nil {
		return nil, "", err
	}
	bucket, prefix := bucketJobsByKey, ownerPrefix(keyID)
	if status != "" {
		code, _ := statusCode(status)
		bucket, prefix = bucketJobsByKeyStatus, append(prefix, code)
	}

	var jobs []Job
	var next string
	err = s.view(func(tx *txn) error {
		c := tx.bucket(bucket).Cursor()
		var k []byte
		if target := seekTarget(prefix, after); target == nil {
			k, _ = c.Last()
		} else if k, _ = c.Seek(target); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if len(jobs) == limit {
				last, _ := idBytes(jobs[len(jobs)-1].ID)
				next = base64.RawURLEncoding.EncodeToString(last)
				return nil
			}
			job, err := tx.getJobByKey(k[len(prefix):])
			if err != nil {
				return fmt.Errorf("index entry %x: %w", k, err)
			}
			jobs = append(jobs, job)
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("store: list jobs: %w", err)
	}
	return jobs, next, nil
}

// seekTarget is the key just past the page to read backwards from: the
// cursor's entry, or the end of the prefix's range (nil: end of bucket).
func seekTarget(prefix, after []byte) []byte {
	if after != nil {
		return concat(prefix, after)
	}
	return prefixEnd(prefix)
}
