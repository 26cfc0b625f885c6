package store

import (
	"bytes"
	"fmt"
	"time"
)

// Client-side changes to a job: cancel and delete, and the retention
// janitor's expiry.

// CancelJob cancels keyID's job. A queued job is finished Canceled at once
// (Stage "done", CompletedAt set) and build's delivery, if any, is written
// in the same transaction (see txn.announce). A processing job only gets
// CancelRequested set; its worker sees it in UpdateProgress, aborts and calls
// FinishJob with Canceled, and build is not called. Repeating a cancel of a
// processing job is harmless. A terminal job is ErrAlreadyFinished; another
// key's job is ErrNotFound. CancelJob returns the job in its new state.
func (s *Store) CancelJob(id, keyID string, build DeliveryFunc) (Job, error) {
	return s.writer().cancelJob(id, keyID, build)
}

// DeleteJob deletes keyID's terminal job with its transcript, index entries,
// idempotency entry and finished deliveries, and returns it so that the
// caller can remove its audio file. An active job is ErrNotFinished; another
// key's job is ErrNotFound.
func (s *Store) DeleteJob(id, keyID string) (Job, error) {
	return s.writer().deleteJob(id, keyID)
}

// ExpireJobs deletes up to limit terminal jobs (all when limit is not
// positive) whose CompletedAt is before before, oldest first, as DeleteJob
// does, and returns them so the caller can remove their files.
func (s *Store) ExpireJobs(before time.Time, limit int) ([]Job, error) {
	var jobs []Job
	err := s.update(func(tx *txn) error {
		jobs = nil
		end := timeKey(before)
		var ids [][]byte
		c := tx.bucket(bucketJobsByCompleted).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 8+16 {
				return fmt.Errorf("completed index key %x: bad length", k)
			}
			if bytes.Compare(k[:8], end) >= 0 || (limit > 0 && len(ids) == limit) {
				break
			}
			ids = append(ids, bytes.Clone(k[8:]))
		}
		for _, id := range ids {
			job, err := tx.getJobByKey(id)
			if err != nil {
				return fmt.Errorf("completed entry %s: %w", idString(id), err)
			}
			if err := tx.removeJob(job); err != nil {
				return err
			}
			jobs = append(jobs, job)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: expire jobs: %w", err)
	}
	return jobs, nil
}
