package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The job rows of the PostgreSQL store: the record and the columns derived
// from it, written together.

// getJob reads a job; forUpdate locks its row until the transaction ends.
func (t *pgtx) getJob(id string, forUpdate bool) (Job, error) {
	return getRecord(t, "jobs", id, forUpdate, decodeJob)
}

// ownedJob reads the job id of keyID, locked when forUpdate.
func (t *pgtx) ownedJob(id, keyID string, forUpdate bool) (Job, error) {
	job, err := t.getJob(id, forUpdate)
	if err != nil {
		return Job{}, err
	}
	if job.KeyID != keyID {
		return Job{}, ErrNotFound
	}
	return job, nil
}

// jobByID reads job id, unlocked.
func (t *pgtx) jobByID(id string) (Job, error) { return t.getJob(id, false) }

// ownedForUpdate reads the job id of keyID, locked.
func (t *pgtx) ownedForUpdate(id, keyID string) (Job, error) { return t.ownedJob(id, keyID, true) }

// rewriteJob is putJob: the row is rewritten whole.
func (t *pgtx) rewriteJob(_ *Job, next Job) error { return t.putJob(next) }

// jobColumns are the derived columns of a job row.
func (t *pgtx) jobColumns(j *Job) (completed, lockedUntil *time.Time, record []byte, err error) {
	if j.Status.Terminal() {
		c := j.CompletedAt
		completed = &c
	}
	if j.Status == Processing {
		l := t.p.now().Add(t.p.lease)
		lockedUntil = &l
	}
	record, err = encodeJob(*j)
	return completed, lockedUntil, record, err
}

// insertJob writes a new job.
func (t *pgtx) insertJob(j Job) error {
	completed, locked, rec, err := t.jobColumns(&j)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO jobs (id, key_id, status, sync, need_fetch, completed_at, locked_until, reserved_ns, reserved_month, record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		j.ID, j.KeyID, string(j.Status), j.Sync, NeedsFetch(j), completed, locked, int64(j.Reserved), j.ReservedMonth, rec)
	if isUniqueViolation(err) {
		return fmt.Errorf("job %s: %w", j.ID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert job %s: %w", j.ID, err)
	}
	return nil
}

// putJob rewrites a job; a processing job's lease starts again.
func (t *pgtx) putJob(j Job) error {
	completed, locked, rec, err := t.jobColumns(&j)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `UPDATE jobs SET status = $2, sync = $3, need_fetch = $4, completed_at = $5, locked_until = $6,
		reserved_ns = $7, reserved_month = $8, record = $9 WHERE id = $1`,
		j.ID, string(j.Status), j.Sync, NeedsFetch(j), completed, locked, int64(j.Reserved), j.ReservedMonth, rec)
	if err != nil {
		return fmt.Errorf("put job %s: %w", j.ID, err)
	}
	if j.Status == Queued {
		return t.notify(jobsChannel)
	}
	return nil
}

// processing runs fn on a processing job, locked, and writes the result
// back; ErrNotProcessing, writing nothing, in any other state.
func (t *pgtx) processing(id string, fn func(j *Job) error) (Job, error) {
	prev, err := t.getJob(id, true)
	if err != nil {
		return Job{}, err
	}
	if prev.Status != Processing {
		return prev, fmt.Errorf("%w (status %s)", ErrNotProcessing, prev.Status)
	}
	if a, ok := t.p.claims.Load(id); ok && a.(int) != prev.Attempt {
		return prev, fmt.Errorf("%w (attempt %d of another node; this node's attempt %d was taken back)", ErrNotProcessing, prev.Attempt, a)
	}
	next := prev
	if err := fn(&next); err != nil {
		return Job{}, err
	}
	return next, t.putJob(next)
}

// removeJob deletes a job with its transcript (by cascade), its
// idempotency entry and its ended deliveries; pending ones stay to be sent.
func (t *pgtx) removeJob(j Job) error {
	if _, err := t.tx.Exec(t.ctx, "DELETE FROM jobs WHERE id = $1", j.ID); err != nil {
		return fmt.Errorf("delete job %s: %w", j.ID, err)
	}
	if j.IdempotencyKey != "" {
		if _, err := t.tx.Exec(t.ctx, "DELETE FROM idempotency WHERE key_id = $1 AND idem_key = $2 AND job_id = $3",
			j.KeyID, j.IdempotencyKey, j.ID); err != nil {
			return fmt.Errorf("delete idempotency entry of job %s: %w", j.ID, err)
		}
	}
	if _, err := t.tx.Exec(t.ctx, "DELETE FROM deliveries WHERE job_id = $1 AND status <> $2", j.ID, DeliveryPending); err != nil {
		return fmt.Errorf("delete deliveries of job %s: %w", j.ID, err)
	}
	return nil
}

// usage returns keyID's charged seconds in month (YYYY-MM).
func (t *pgtx) usage(keyID, month string) (float64, error) {
	var secs float64
	err := t.tx.QueryRow(t.ctx, "SELECT seconds FROM usage WHERE key_id = $1 AND month = $2", keyID, month).Scan(&secs)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return secs, err
}

// addUsage charges secs to keyID in month.
func (t *pgtx) addUsage(keyID, month string, secs float64) error {
	_, err := t.tx.Exec(t.ctx, `INSERT INTO usage (key_id, month, seconds) VALUES ($1, $2, $3)
		ON CONFLICT (key_id, month) DO UPDATE SET seconds = usage.seconds + EXCLUDED.seconds`, keyID, month, secs)
	if err != nil {
		return fmt.Errorf("add usage: %w", err)
	}
	return nil
}

// reserved sums the reservations of keyID's active jobs in month: the
// reserved totals are a query, so a reservation lapses exactly when its
// job stops being active.
func (t *pgtx) reserved(keyID, month string) (time.Duration, error) {
	var ns int64
	err := t.tx.QueryRow(t.ctx, `SELECT COALESCE(sum(reserved_ns), 0)::bigint FROM jobs
		WHERE key_id = $1 AND reserved_month = $2 AND status IN ('queued', 'processing')`, keyID, month).Scan(&ns)
	return time.Duration(ns), err
}

// keyQuota returns the monthly quota of keyID; 0 when there is no such key.
func (t *pgtx) keyQuota(keyID string) (int64, error) {
	if _, ok := idBytes(keyID); !ok {
		return 0, nil
	}
	k, err := t.getKey(keyID, false)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return k.QuotaSeconds, err
}
