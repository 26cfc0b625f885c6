package store

import (
	"fmt"
	"time"
)

// The worker side of a job: claim, report, finish or hand back. Every write
// after the claim applies only while the job is still processing.

// ClaimNext takes the next queued job of any kind; it is Claim(ClaimAny).
func (s *Store) ClaimNext() (Job, error) {
	return s.Claim(ClaimAny)
}

// Claim takes the next queued job that f allows, marks it processing with
// Stage "starting", raises its Attempt and sets StartedAt. Synchronous jobs
// (Job.Sync) wait in a queue of their own: when both queues hold jobs,
// Claim takes from them in turn; within a queue it goes round-robin over API
// keys, oldest first within each key (see queue.go). After a crash that
// left several jobs processing, the suspects run one at a time first (see
// quarantine.go). It returns ErrNoJob when there is nothing it may claim.
func (s *Store) Claim(f ClaimFilter) (Job, error) {
	var job Job
	err := s.update(func(tx *txn) error {
		k, err := tx.nextQueued(f)
		if err != nil {
			return err
		}
		if k == nil {
			return ErrNoJob
		}
		prev, err := tx.getJobByKey(k)
		if err != nil {
			return fmt.Errorf("queue entry %s: %w", idString(k), err)
		}
		if prev.Status != Queued {
			return fmt.Errorf("queue entry %s: job is %s", prev.ID, prev.Status)
		}
		job = prev
		startAttempt(&job, s.now())
		return tx.putJob(&prev, job)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: claim job: %w", err)
	}
	return job, nil
}

// processing runs fn on a processing job and writes the result back. It
// returns ErrNotProcessing, writing nothing, when the job is in any other
// state.
func (t *txn) processing(id string, fn func(j *Job) error) (Job, error) {
	prev, err := t.getJob(id)
	if err != nil {
		return Job{}, err
	}
	if prev.Status != Processing {
		return prev, fmt.Errorf("%w (status %s)", ErrNotProcessing, prev.Status)
	}
	next := prev
	if err := fn(&next); err != nil {
		return Job{}, err
	}
	return next, t.putJob(&prev, next)
}

// UpdateProgress records the stage and percentage of a processing job (an
// empty stage keeps the current one; progress is clamped to 0..100). It
// reports whether cancellation was requested, so the worker can abort.
func (s *Store) UpdateProgress(id string, stage string, progress int) (cancelRequested bool, err error) {
	return s.writer().updateProgress(id, stage, progress)
}

// SetAudio records the audio a worker downloaded for a URL import: src
// replaces the job's Source, except that an empty src.URL keeps the URL the
// job was imported from. The job must be processing.
func (s *Store) SetAudio(id string, src Source, duration time.Duration) error {
	return s.writer().setAudio(id, src, duration)
}

// writer makes the job writes the drivers share in this store's
// transactions.
func (s *Store) writer() jobWriter[*txn] {
	return jobWriter[*txn]{update: s.update, now: s.now}
}

// Outcome is how a worker finished a job.
type Outcome struct {
	// Status is Completed, Failed or Canceled.
	Status Status
	// Error is the failure; for Failed it is also kept as the attempt's error.
	Error *JobError
	// Transcript, when non-nil, is stored in the transcripts bucket.
	Transcript []byte
	// Language and AudioDuration overwrite the job's when non-zero.
	Language      string
	AudioDuration time.Duration
	// ChargeSeconds is added to the key's usage when Status is Completed:
	// to the month of the job's reservation (Job.ReservedMonth), so that a
	// job admitted against one month's quota is charged to it, or to the
	// current UTC month when the job holds none. Whatever the status, the
	// reservation lapses as the job ends.
	ChargeSeconds float64
	// ClearAudio empties Source.AudioPath; the caller deletes the file after
	// FinishJob returns.
	ClearAudio bool
	// Deliver, when non-nil and the job has a CallbackURL, is called with
	// the job as it is being stored, inside the transaction; the Delivery it
	// returns, if any, is queued in the webhook outbox in that transaction.
	Deliver DeliveryFunc
}

// FinishJob moves a processing job to out.Status, with Stage "done" and
// CompletedAt set (Progress 100 when completed), together with its
// transcript, usage charge, the lapse of its quota reservation and its
// webhook delivery, in one transaction. If the job is not processing it
// returns ErrNotProcessing and writes nothing, so a job reaches exactly one
// terminal state.
func (s *Store) FinishJob(id string, out Outcome) (Job, error) {
	return s.writer().finishJob(id, out)
}

// putTranscript stores the transcript of job id.
func (t *txn) putTranscript(id string, transcript []byte) error {
	k, _ := idBytes(id)
	return t.bucket(bucketTranscripts).Put(k, transcript)
}

// dropAudio does nothing: the audio is a file, which FinishJob's caller
// removes after the commit.
func (t *txn) dropAudio(string) error { return nil }

// finish sets the terminal fields of j. A failure is also recorded as the
// error of the current attempt.
func finish(j *Job, status Status, jerr *JobError, now time.Time) {
	j.Status = status
	j.Stage = StageDone
	j.CompletedAt = now
	if status == Completed {
		j.Progress = 100
	}
	if jerr != nil {
		e := *jerr
		j.Error = &e
		if status == Failed {
			j.Errors = append(j.Errors, AttemptError{Attempt: j.Attempt, At: now, Code: e.Code, Message: e.Message})
		}
	}
}

// RequeueJob returns a processing job to the queue, in its original place
// (the queue is ordered by job ID). With refundAttempt, as on a graceful
// shutdown, the claim is undone: Attempt goes back down and no error is
// recorded. Otherwise the attempt counts and an AttemptError with code
// "interrupted" and reason as its message is kept. A job whose cancellation
// was requested keeps CancelRequested, so its next worker finishes it
// Canceled at the first progress report.
func (s *Store) RequeueJob(id string, reason string, refundAttempt bool) error {
	return s.writer().requeueJob(id, reason, refundAttempt)
}

// interrupt records that the current attempt was cut short.
func interrupt(j *Job, reason string, now time.Time) {
	j.Errors = append(j.Errors, AttemptError{Attempt: j.Attempt, At: now, Code: CodeInterrupted, Message: reason})
}

// requeue puts j back in the queued state.
func requeue(j *Job) {
	j.Status = Queued
	j.Stage = StageQueued
	j.Progress = 0
	j.StartedAt = time.Time{}
}
