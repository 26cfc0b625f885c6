package store

import (
	"fmt"
	"time"
)

// interruptedMessage explains an orphaned attempt.
const interruptedMessage = "the server stopped while the job was processing"

// syncInterruptedMessage explains why a synchronous job was given up: the
// request that waited for it ended with the previous process.
const syncInterruptedMessage = "the server stopped while the synchronous request waited for the job"

// RecoverOrphans settles the jobs left processing by a previous process. It
// must run at start-up, before any worker claims and before the API takes
// synchronous requests: bbolt's file lock means this process owns the file,
// so every processing job, and every queued synchronous one, is an orphan.
// Each
// orphan's attempt is recorded as an AttemptError with code "interrupted",
// then the job is
//
//   - finished Canceled if its cancellation had been requested;
//   - requeued with its attempt refunded and marked Job.Isolated, if other
//     jobs were processing beside it and it was not already isolated: the
//     crash cannot be blamed on one of them, so the suspects run alone
//     until they end (see quarantine.go);
//   - finished Failed with Error{Code: "interrupted"} if Attempt has reached
//     MaxAttempts;
//   - finished Failed with Error{Code: "interrupted"} if it is a
//     synchronous job (Job.Sync): the request waiting for it is gone;
//   - otherwise requeued in its original place, keeping Attempt.
//
// Queued synchronous jobs are finished Failed the same way, without an
// attempt error, since nobody waits for them any more.
//
// For jobs finished here, build's delivery is written in the same
// transaction, as FinishJob does (see txn.announce). requeued and finished list the jobs in
// their new state.
func (s *Store) RecoverOrphans(build DeliveryFunc) (requeued, finished []Job, err error) {
	var r recovered
	err = s.update(func(tx *txn) error {
		r = recovered{}
		var keys [][]byte
		processing := 0
		for _, b := range [][]byte{bucketProcessing, bucketSyncQueue} {
			c := tx.bucket(b).Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				keys = append(keys, append([]byte(nil), k...))
			}
			if processing == 0 {
				processing = len(keys) // the processing bucket comes first
			}
		}
		now := s.now()
		for _, k := range keys {
			prev, err := tx.getJobByKey(k)
			if err != nil {
				return fmt.Errorf("orphan entry %s: %w", idString(k), err)
			}
			if prev.Status != Processing && !(prev.Sync && prev.Status == Queued) {
				return fmt.Errorf("orphan entry %s: job is %s", prev.ID, prev.Status)
			}
			job := prev
			if processing > 1 && !job.Isolated && !job.Sync && !job.CancelRequested {
				shareBlame(&job, processing, now)
				requeue(&job)
			} else {
				rescue(&job, now)
			}
			if err := r.add(tx, &prev, job, build, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: recover orphans: %w", err)
	}
	return r.requeued, r.finished, nil
}

// recovered is what RecoverOrphans settled: the jobs it requeued and those
// it finished.
type recovered struct {
	requeued, finished []Job
}

// add writes job, settled from prev, in t, and files it; the delivery of a
// finished job is queued in the same transaction.
func (r *recovered) add(t jobTx, prev *Job, job Job, build DeliveryFunc, now time.Time) error {
	if err := t.rewriteJob(prev, job); err != nil {
		return err
	}
	if job.Status == Queued {
		r.requeued = append(r.requeued, job)
		return nil
	}
	r.finished = append(r.finished, job)
	return t.announce(job, build, now)
}

// shareBlame records an attempt cut short by a crash that n processing jobs
// shared: the attempt is kept as an AttemptError but not counted, and j is
// isolated so that its next attempts run alone.
func shareBlame(j *Job, n int, now time.Time) {
	msg := fmt.Sprintf("the server stopped while %d jobs were processing; this attempt is not counted and the job runs alone until it ends", n)
	j.Errors = append(j.Errors, AttemptError{Attempt: j.Attempt, At: now, Code: CodeInterrupted, Message: msg, Uncounted: true})
	j.Attempt = max(j.Attempt-1, 0)
	j.Isolated = true
}
