package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"strconv"
	"time"
)

// The state changes of jobs, deliveries and secrets, as plain functions on
// the values, so that every backend applies the same rules inside its own
// transaction: the backend reads, calls one of these, and writes the result.

// assignID returns id in canonical form, or a fresh UUIDv7 when it is
// empty; an ID that is not a UUIDv7 is ErrInvalid.
func assignID(id string) (string, error) {
	if id == "" {
		return newID()
	}
	b, ok := idBytes(id)
	if !ok {
		return "", fmt.Errorf("id %q is not a UUIDv7: %w", id, ErrInvalid)
	}
	return idString(b), nil
}

// prepareCreate validates a job and its limits before CreateJob's
// transaction and fills the defaults: an ID, the idempotency key and TTL,
// MaxAttempts.
func prepareCreate(job Job, lim CreateLimits) (Job, CreateLimits, error) {
	id, err := assignID(job.ID)
	if err != nil {
		return Job{}, lim, err
	}
	job.ID = id
	if len(job.KeyID) > math.MaxUint16 {
		return Job{}, lim, fmt.Errorf("key id too long: %w", ErrInvalid)
	}
	if len(job.Metadata) > 0 && !json.Valid(job.Metadata) {
		return Job{}, lim, fmt.Errorf("metadata is not JSON: %w", ErrInvalid)
	}
	if lim.IdempotencyKey != "" {
		job.IdempotencyKey = lim.IdempotencyKey
	}
	if lim.IdempotencyTTL <= 0 {
		lim.IdempotencyTTL = DefaultIdempotencyTTL
	}
	if job.MaxAttempts <= 0 {
		job.MaxAttempts = DefaultMaxAttempts
	}
	return job, lim, nil
}

// idempotencyHit decides what an idempotency entry created at created for
// prior means to a new request: usable is false once the entry expired, and
// a usable entry of another request hash is an ErrIdempotencyConflict.
func idempotencyHit(prior Job, created time.Time, hash string, now time.Time, lim CreateLimits) (usable bool, err error) {
	if !now.Before(created.Add(lim.IdempotencyTTL)) {
		return false, nil
	}
	if hash != lim.RequestHash {
		return true, fmt.Errorf("%w: key %q was used for job %s", ErrIdempotencyConflict, prior.IdempotencyKey, prior.ID)
	}
	return true, nil
}

// queueFull is the ErrQueueFull of a key with n active jobs, or nil.
func queueFull(n int, lim CreateLimits) error {
	if lim.MaxQueued > 0 && n >= lim.MaxQueued {
		return fmt.Errorf("%w: %d active jobs, limit %d", ErrQueueFull, n, lim.MaxQueued)
	}
	return nil
}

// admit sets the fields of a job CreateJob writes as queued at now, with
// its reservation in month.
func admit(job *Job, lim CreateLimits, now time.Time, month string) {
	job.Status = Queued
	job.Stage = StageQueued
	job.Progress = 0
	job.CreatedAt = now
	job.StartedAt, job.CompletedAt = time.Time{}, time.Time{}
	job.Attempt = 0
	job.Errors, job.Error = nil, nil
	job.CancelRequested = false
	job.Reserved, job.ReservedMonth = 0, ""
	if lim.ProbedSeconds > 0 {
		job.Reserved = time.Duration(math.Round(lim.ProbedSeconds * float64(time.Second)))
		job.ReservedMonth = month
	}
}

// quotaCheck returns a *QuotaError when want more seconds would take a key
// with usage used and reservations reserved (less own, the part the job
// being checked already holds) over quota. A job of unknown length (want 0)
// needs the quota not to be used up. A quota of 0 is unlimited.
func quotaCheck(quota int64, used float64, reserved, own time.Duration, want float64) error {
	if quota <= 0 {
		return nil
	}
	res := (reserved - own).Seconds()
	have, limit := used+res, float64(quota)
	if have+want > limit || (want == 0 && have >= limit) {
		return &QuotaError{QuotaSeconds: quota, UsedSeconds: used, ReservedSeconds: res, WantSeconds: want}
	}
	return nil
}

// ownReservation is the part of month's reserved total that j holds.
func ownReservation(j *Job, month string) time.Duration {
	if j.ReservedMonth == month {
		return j.Reserved
	}
	return 0
}

// startAttempt marks a queued job processing for a new attempt.
func startAttempt(j *Job, now time.Time) {
	j.Status = Processing
	j.Stage = StageStarting
	j.Progress = 0
	j.Attempt++
	j.StartedAt = now
}

// setProgress applies UpdateProgress.
func setProgress(j *Job, stage string, progress int) {
	if stage != "" {
		j.Stage = stage
	}
	j.Progress = min(max(progress, 0), 100)
}

// setAudio applies SetAudio.
func setAudio(j *Job, src Source, duration time.Duration) {
	if src.URL == "" {
		src.URL = j.Source.URL
	}
	j.Source = src
	j.AudioDuration = duration
}

// finishWith applies FinishJob's outcome to a processing job at now and
// returns the month (YYYY-MM) its usage is charged to.
func finishWith(j *Job, out Outcome, now time.Time) (chargeMonth string) {
	chargeMonth = monthKey(now)
	if j.ReservedMonth != "" {
		chargeMonth = j.ReservedMonth
	}
	finish(j, out.Status, out.Error, now)
	if out.Language != "" {
		j.Language = out.Language
	}
	if out.AudioDuration != 0 {
		j.AudioDuration = out.AudioDuration
	}
	if out.ClearAudio {
		j.Source.AudioPath = ""
	}
	return chargeMonth
}

// handBack applies RequeueJob.
func handBack(j *Job, reason string, refundAttempt bool, now time.Time) {
	if refundAttempt {
		j.Attempt = max(j.Attempt-1, 0)
	} else {
		interrupt(j, reason, now)
	}
	requeue(j)
}

// rescue settles one job whose worker is gone (a crash, or a lease that
// expired): a synchronous job fails, since its request is gone; a job whose
// cancellation was requested is canceled; one out of attempts fails; any
// other goes back to the queue with the interruption recorded.
func rescue(j *Job, now time.Time) {
	switch {
	case j.Sync && j.Status == Queued:
		errs := j.Errors // no attempt was cut short
		finish(j, Failed, &JobError{Code: CodeInterrupted, Message: syncInterruptedMessage}, now)
		j.Errors = errs
	case j.CancelRequested:
		interrupt(j, interruptedMessage, now)
		finish(j, Canceled, nil, now)
	case j.Sync:
		finish(j, Failed, &JobError{Code: CodeInterrupted, Message: syncInterruptedMessage}, now)
	case j.Attempt >= j.MaxAttempts:
		finish(j, Failed, &JobError{Code: CodeInterrupted, Message: interruptedMessage}, now)
	default:
		interrupt(j, interruptedMessage, now)
		requeue(j)
	}
}

// cancel applies CancelJob to prev: a queued job is canceled at once
// (announce: its delivery is due), a processing one has its cancellation
// requested. write is false when nothing changes.
func cancel(prev Job, now time.Time) (next Job, write, announce bool, err error) {
	next = prev
	switch prev.Status {
	case Queued:
		finish(&next, Canceled, nil, now)
		return next, true, true, nil
	case Processing:
		if prev.CancelRequested {
			return next, false, false, nil
		}
		next.CancelRequested = true
		return next, true, false, nil
	default:
		return next, false, false, fmt.Errorf("%w (status %s)", ErrAlreadyFinished, prev.Status)
	}
}

// renameSpeakers applies SetSpeakerNames to a completed job; changed is
// false when the names stay as they were.
func renameSpeakers(job Job, names map[string]string) (next Job, changed bool, err error) {
	if job.Status != Completed {
		return job, false, ErrNotFinished
	}
	next = job
	next.SpeakerNames = maps.Clone(job.SpeakerNames)
	if next.SpeakerNames == nil {
		next.SpeakerNames = make(map[string]string, len(names))
	}
	for label, name := range names {
		if name == "" {
			delete(next.SpeakerNames, label)
		} else {
			next.SpeakerNames[label] = name
		}
	}
	if len(next.SpeakerNames) == 0 {
		next.SpeakerNames = nil
	}
	if maps.Equal(next.SpeakerNames, job.SpeakerNames) {
		return job, false, nil
	}
	return next, true, nil
}

// newDelivery fills a delivery built for job, queued pending at now.
func newDelivery(job Job, d Delivery, now time.Time) (Delivery, error) {
	id, err := assignID(d.ID)
	if err != nil {
		return Delivery{}, fmt.Errorf("delivery: %w", err)
	}
	if _, ok := idBytes(job.ID); !ok {
		return Delivery{}, fmt.Errorf("job id %q: %w", job.ID, ErrInvalid)
	}
	d.ID = id
	d.JobID = job.ID
	d.KeyID = job.KeyID
	if d.URL == "" {
		d.URL = job.CallbackURL
	}
	if d.Secret == "" {
		d.Secret = job.CallbackSecret
	}
	if d.URL == "" {
		return Delivery{}, fmt.Errorf("delivery for job %s has no url: %w", job.ID, ErrInvalid)
	}
	if d.EventID == "" {
		d.EventID = DefaultEventID(job.ID, d.Event)
	}
	d.Status = DeliveryPending
	d.Attempt, d.Round, d.RoundAttempts, d.Attempts = 0, 0, 0, nil
	d.CreatedAt, d.NextAt = now, now
	d.LastError = ""
	return d, nil
}

// checkResult refuses a DeliveryResult RecordDeliveryAttempt cannot apply.
func checkResult(result DeliveryResult) error {
	switch {
	case result.Status == DeliveryPending && result.NextAt.IsZero():
		return fmt.Errorf("pending without next_at: %w", ErrInvalid)
	case result.Status != DeliveryPending && result.Status != DeliveryDelivered && result.Status != DeliveryFailed:
		return fmt.Errorf("status %q: %w", result.Status, ErrInvalid)
	}
	return nil
}

// recordAttempt applies RecordDeliveryAttempt to a delivery.
func recordAttempt(prev Delivery, a DeliveryAttempt, result DeliveryResult, now time.Time) (Delivery, error) {
	if prev.Status != DeliveryPending {
		return prev, fmt.Errorf("%w (status %s)", ErrNotPending, prev.Status)
	}
	d := prev
	if a.At.IsZero() {
		a.At = now
	}
	a.At = a.At.UTC().Round(0)
	if len(a.ResponseBody) > MaxAttemptResponseBody {
		a.ResponseBody = a.ResponseBody[:MaxAttemptResponseBody]
	}
	attempts := append(prev.Attempts[:len(prev.Attempts):len(prev.Attempts)], a)
	d.Attempts = attempts[max(0, len(attempts)-MaxDeliveryAttempts):]
	d.Attempt++
	d.LastError = a.Error
	if result.Round < prev.Round {
		// The attempt belongs to an earlier round: kept in the log, but
		// it does not decide the current round.
		return d, nil
	}
	d.RoundAttempts++
	d.Status = result.Status
	d.NextAt = time.Time{}
	if result.Status == DeliveryPending {
		d.NextAt = result.NextAt.UTC().Round(0)
	}
	return d, nil
}

// redeliver makes prev pending again in a new round at now, with payload
// when not nil.
func redeliver(prev Delivery, payload []byte, now time.Time) Delivery {
	d := prev
	if payload != nil {
		d.Payload = payload
	}
	d.Status = DeliveryPending
	d.NextAt = now
	d.Round++
	d.RoundAttempts = 0
	return d
}

// firstSecrets returns the versions of a secret with none stored: version
// 1, from legacy bytes (an earlier build's single secret) when there are.
func firstSecrets(legacy []byte, size int, now time.Time) ([]SecretVersion, error) {
	v1 := SecretVersion{ID: "1", Secret: append([]byte(nil), legacy...), Since: now}
	if len(v1.Secret) == 0 {
		var err error
		if v1, err = newSecretVersion("1", size, now); err != nil {
			return nil, err
		}
	}
	return []SecretVersion{v1}, nil
}

// checkSecrets checks that every stored version has size bytes.
func checkSecrets(vs []SecretVersion, size int) error {
	for _, v := range vs {
		if len(v.Secret) != size {
			return fmt.Errorf("stored secret version %s has %d bytes, want %d", v.ID, len(v.Secret), size)
		}
	}
	return nil
}

// rotateSecrets puts a new current version in front of old, retiring the
// current one at now and dropping those retired before dropRetiredBefore.
func rotateSecrets(old []SecretVersion, size int, now, dropRetiredBefore time.Time) ([]SecretVersion, error) {
	last, err := strconv.Atoi(old[0].ID)
	if err != nil {
		return nil, fmt.Errorf("stored secret version %q: %w", old[0].ID, ErrInvalid)
	}
	next, err := newSecretVersion(strconv.Itoa(last+1), size, now)
	if err != nil {
		return nil, err
	}
	out := []SecretVersion{next}
	for i, v := range old {
		if i == 0 {
			v.RetiredAt = now
		}
		if v.RetiredAt.Before(dropRetiredBefore) {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}
