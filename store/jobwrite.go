package store

import (
	"fmt"
	"time"
)

// The writes of a job that both drivers make alike, each in its own
// transactions: the admission of CreateJob, the worker's writes to a
// processing job, and the client's cancel and delete. A driver's
// transaction offers them a jobTx, and the driver runs them through a
// jobWriter.

// jobTx is what the shared job writes need of a driver's transaction.
type jobTx interface {
	monthTotals
	// processing runs fn on a processing job and writes the result back;
	// it returns ErrNotProcessing, writing nothing, in any other state.
	processing(id string, fn func(j *Job) error) (Job, error)
	// lockKey holds the admissions of keyID until the transaction ends.
	lockKey(keyID string) error
	// keyQuota returns the monthly quota of keyID; 0 when there is no
	// such key.
	keyQuota(keyID string) (int64, error)
	// idempotentJob returns the job an unexpired idempotency entry of
	// job's key points to; found is false when there is no usable entry.
	idempotentJob(job Job, now time.Time, lim CreateLimits) (prior Job, found bool, err error)
	// countActive counts the key's queued and processing jobs.
	countActive(keyID string) (int, error)
	// putTranscript stores the transcript of job id.
	putTranscript(id string, transcript []byte) error
	// dropAudio deletes the audio the store keeps for job id, if any.
	dropAudio(id string) error
	// addUsage charges secs to keyID in month.
	addUsage(keyID, month string, secs float64) error
	// announce queues the delivery build makes for job, if any.
	announce(job Job, build DeliveryFunc, now time.Time) error
	// ownedForUpdate reads keyID's job id to rewrite it (locked on
	// PostgreSQL); another key's job is ErrNotFound.
	ownedForUpdate(id, keyID string) (Job, error)
	// rewriteJob writes next over prev, the job as read.
	rewriteJob(prev *Job, next Job) error
	// removeJob deletes a job with its transcript, idempotency entry and
	// ended deliveries.
	removeJob(j Job) error
	// jobByID reads job id.
	jobByID(id string) (Job, error)

	// The outbox (outboxwrite.go).

	// deliveryForUpdate reads delivery id to rewrite it (locked on
	// PostgreSQL).
	deliveryForUpdate(id string) (Delivery, error)
	// latestDelivery reads the latest delivery of job jobID, by creation,
	// to rewrite it; ErrNotFound when the job has none.
	latestDelivery(jobID string) (Delivery, error)
	// rewriteDelivery writes next over prev, the delivery as read.
	rewriteDelivery(prev *Delivery, next Delivery) error
}

// admission runs CreateJob's checks on job in t at now. With a usable
// idempotency entry it returns the job the entry points to in job and
// existing true, and nothing is to be written. Otherwise it checks the
// queue cap and the quota (ErrQueueFull, a *QuotaError) and fills job as
// admitted, queued at now with its reservation.
func admission(t jobTx, job *Job, lim CreateLimits, now time.Time) (existing bool, err error) {
	if err := t.lockKey(job.KeyID); err != nil {
		return false, err
	}
	if job.IdempotencyKey != "" {
		prior, found, err := t.idempotentJob(*job, now, lim)
		if err != nil {
			return false, err
		}
		if found {
			*job = prior
			return true, nil
		}
	}
	if lim.MaxQueued > 0 {
		n, err := t.countActive(job.KeyID)
		if err != nil {
			return false, err
		}
		if err := queueFull(n, lim); err != nil {
			return false, err
		}
	}
	month := monthKey(now)
	if err := checkQuotaOf(t, job.KeyID, month, lim.QuotaSeconds, lim.ProbedSeconds, 0); err != nil {
		return false, err
	}
	admit(job, lim, now, month)
	return false, nil
}

// jobWriter makes the shared job writes on a driver: update runs fn in one
// write transaction, committed when fn returns nil, and now reads the
// driver's clock.
type jobWriter[T jobTx] struct {
	update func(fn func(T) error) error
	now    func() time.Time
}

// onProcessing runs fn on the processing job id, with the time, in one
// transaction, and returns the job as written; as found, with
// ErrNotProcessing, when it is not processing.
func (w jobWriter[T]) onProcessing(id string, fn func(t T, j *Job, now time.Time) error) (Job, error) {
	var job Job
	err := w.update(func(t T) error {
		now := w.now()
		var err error
		job, err = t.processing(id, func(j *Job) error { return fn(t, j, now) })
		return err
	})
	return job, err
}

// updateProgress is UpdateProgress.
func (w jobWriter[T]) updateProgress(id string, stage string, progress int) (cancelRequested bool, err error) {
	job, err := w.onProcessing(id, func(_ T, j *Job, _ time.Time) error {
		setProgress(j, stage, progress)
		return nil
	})
	if err != nil {
		return job.CancelRequested, fmt.Errorf("store: update progress of job %s: %w", id, err)
	}
	return job.CancelRequested, nil
}

// setAudio is SetAudio.
func (w jobWriter[T]) setAudio(id string, src Source, duration time.Duration) error {
	_, err := w.onProcessing(id, func(_ T, j *Job, _ time.Time) error {
		setAudio(j, src, duration)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set audio of job %s: %w", id, err)
	}
	return nil
}

// reserveAudio is ReserveAudio: under the key's lock, it checks d against
// the key's quota in the current month, less what the job holds there,
// and makes d the job's reservation.
func (w jobWriter[T]) reserveAudio(id string, d time.Duration) error {
	_, err := w.onProcessing(id, func(t T, j *Job, now time.Time) error {
		month := monthKey(now)
		if err := t.lockKey(j.KeyID); err != nil {
			return err
		}
		quota, err := t.keyQuota(j.KeyID)
		if err != nil {
			return err
		}
		if err := checkQuotaOf(t, j.KeyID, month, quota, d.Seconds(), ownReservation(j, month)); err != nil {
			return err
		}
		j.Reserved, j.ReservedMonth = max(d, 0), month
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: reserve audio of job %s: %w", id, err)
	}
	return nil
}

// finishJob is FinishJob.
func (w jobWriter[T]) finishJob(id string, out Outcome) (Job, error) {
	if !out.Status.Terminal() {
		return Job{}, fmt.Errorf("store: finish job %s: status %q is not terminal: %w", id, out.Status, ErrInvalid)
	}
	var job Job
	err := w.update(func(t T) error {
		now := w.now()
		var month string
		var err error
		job, err = t.processing(id, func(j *Job) error {
			month = finishWith(j, out, now)
			return nil
		})
		if err != nil {
			return err
		}
		if out.Transcript != nil {
			if err := t.putTranscript(job.ID, out.Transcript); err != nil {
				return fmt.Errorf("put transcript: %w", err)
			}
		}
		if out.ClearAudio {
			if err := t.dropAudio(job.ID); err != nil {
				return fmt.Errorf("delete audio: %w", err)
			}
		}
		if out.Status == Completed && out.ChargeSeconds > 0 {
			if err := t.addUsage(job.KeyID, month, out.ChargeSeconds); err != nil {
				return err
			}
		}
		return t.announce(job, out.Deliver, now)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: finish job %s: %w", id, err)
	}
	return job, nil
}

// requeueJob is RequeueJob.
func (w jobWriter[T]) requeueJob(id string, reason string, refundAttempt bool) error {
	_, err := w.onProcessing(id, func(_ T, j *Job, now time.Time) error {
		handBack(j, reason, refundAttempt, now)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: requeue job %s: %w", id, err)
	}
	return nil
}

// cancelJob is CancelJob.
func (w jobWriter[T]) cancelJob(id, keyID string, build DeliveryFunc) (Job, error) {
	var job Job
	err := w.update(func(t T) error {
		prev, err := t.ownedForUpdate(id, keyID)
		if err != nil {
			return err
		}
		now := w.now()
		next, write, announce, err := cancel(prev, now)
		job = next
		if err != nil || !write {
			return err
		}
		if err := t.rewriteJob(&prev, job); err != nil {
			return err
		}
		if !announce {
			return nil
		}
		return t.announce(job, build, now)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: cancel job %s: %w", id, err)
	}
	return job, nil
}

// deleteJob is DeleteJob.
func (w jobWriter[T]) deleteJob(id, keyID string) (Job, error) {
	return read(w.update, "delete job "+id, func(t T) (Job, error) {
		job, err := t.ownedForUpdate(id, keyID)
		if err != nil {
			return Job{}, err
		}
		if !job.Status.Terminal() {
			return Job{}, fmt.Errorf("%w (status %s)", ErrNotFinished, job.Status)
		}
		return job, t.removeJob(job)
	})
}
