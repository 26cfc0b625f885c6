package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Quota reservations. Usage is charged when a job completes, so admission
// also counts the audio of the jobs still active: each one holds a
// reservation (Job.Reserved in Job.ReservedMonth), and the reserved bucket
// keeps, per key and month, the sum of the reservations of the active jobs.
// The sum is maintained like an index: putJob and removeJob move it with the
// record, so it cannot drift from the jobs and a reservation lapses exactly
// once, whichever path ends the job (FinishJob, CancelJob, RecoverOrphans,
// DeleteJob, ExpireJobs). A requeued job stays active and keeps it.
//
// The quota holds when every admission checks, in the transaction that
// reserves, that used + reserved + the new job's audio fits.

// QuotaError is the ErrQuotaExceeded of a refused admission or reservation,
// with the figures it was refused on (this UTC month's).
type QuotaError struct {
	// QuotaSeconds is the key's monthly allowance.
	QuotaSeconds int64
	// UsedSeconds is the audio charged for completed jobs.
	UsedSeconds float64
	// ReservedSeconds is the audio reserved by the key's other active jobs.
	ReservedSeconds float64
	// WantSeconds is the new job's audio; 0 when its length is unknown
	// (a URL import at create), which needs some room left.
	WantSeconds float64
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("%v: %.0f s used + %.0f s reserved this month + %.0f s > %d s",
		ErrQuotaExceeded, e.UsedSeconds, e.ReservedSeconds, e.WantSeconds, e.QuotaSeconds)
}

// Unwrap makes errors.Is(err, ErrQuotaExceeded) hold.
func (e *QuotaError) Unwrap() error { return ErrQuotaExceeded }

// ReserveAudio reserves d of audio for the processing job id, whose length
// became known after it was created (a URL import, once downloaded). It
// replaces any reservation the job holds, from an earlier attempt, and
// reserves in the current UTC month. When the job's API key has a monthly
// quota and the key's usage plus its other jobs' reservations plus d would
// exceed it, ReserveAudio changes nothing and returns a *QuotaError, which
// matches ErrQuotaExceeded. The check and the reservation are one
// transaction, so concurrent jobs cannot overbook the quota.
func (s *Store) ReserveAudio(id string, d time.Duration) error {
	return s.writer().reserveAudio(id, d)
}

// keyQuota returns the monthly quota of the API key keyID; 0 (unlimited)
// when there is no such key, as for jobs created without one.
func (t *txn) keyQuota(keyID string) (int64, error) {
	kb, ok := idBytes(keyID)
	if !ok {
		return 0, nil
	}
	k, err := t.getKey(kb)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return k.QuotaSeconds, nil
}

// monthTotals reads a key's usage and reservations in a month, inside a
// backend's transaction.
type monthTotals interface {
	usage(keyID, month string) (float64, error)
	reserved(keyID, month string) (time.Duration, error)
}

// checkQuotaOf returns a *QuotaError when want more seconds would take
// keyID over quota in month (YYYY-MM), counting the usage and the
// reservations tx reads except own, the part of them the job being checked
// already holds. A job of unknown length (want 0) needs the quota not to
// be used up. A quota of 0 is unlimited and reads nothing. On PostgreSQL
// the caller holds the key's lock (lockKey).
func checkQuotaOf(tx monthTotals, keyID, month string, quota int64, want float64, own time.Duration) error {
	if quota <= 0 {
		return nil
	}
	used, res, err := monthUsage(tx, keyID, month)
	if err != nil {
		return err
	}
	return quotaCheck(quota, used, res, own, want)
}

// monthUsage reads keyID's usage and reservations in month (YYYY-MM) in
// tx.
func monthUsage(tx monthTotals, keyID, month string) (used float64, reserved time.Duration, err error) {
	if used, err = tx.usage(keyID, month); err != nil {
		return 0, 0, err
	}
	if reserved, err = tx.reserved(keyID, month); err != nil {
		return 0, 0, err
	}
	return used, reserved, nil
}

// monthlyKey is the key of keyID's entry for month (YYYY-MM) in the usage
// and reserved buckets.
func monthlyKey(keyID, month string) []byte {
	return concat(ownerPrefix(keyID), []byte(month))
}

// reserved returns keyID's reserved total in month (YYYY-MM).
func (t *txn) reserved(keyID, month string) (time.Duration, error) {
	v := t.bucket(bucketReserved).Get(monthlyKey(keyID, month))
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("corrupt reserved total of %d bytes", len(v))
	}
	return time.Duration(binary.BigEndian.Uint64(v)), nil
}

// held is the reservation j counts in the reserved totals: its own while it
// is active, none once it is terminal or absent (nil).
func held(j *Job) time.Duration {
	if j == nil || j.Status.Terminal() || j.ReservedMonth == "" || j.Reserved <= 0 {
		return 0
	}
	return j.Reserved
}

// moveReservation keeps the reserved totals in step with a job record that
// changes from prev to next; nil stands for no record (a new or a removed
// job).
func (t *txn) moveReservation(prev, next *Job) error {
	ph, nh := held(prev), held(next)
	if ph == nh && (ph == 0 || prev.KeyID == next.KeyID && prev.ReservedMonth == next.ReservedMonth) {
		return nil
	}
	if ph > 0 {
		if err := t.addReserved(prev.KeyID, prev.ReservedMonth, -ph); err != nil {
			return err
		}
	}
	if nh > 0 {
		return t.addReserved(next.KeyID, next.ReservedMonth, nh)
	}
	return nil
}

// addReserved adds d (negative to release) to keyID's reserved total in
// month. A total that reaches zero is deleted; one that would go below zero,
// which only a damaged file can cause, stops at zero rather than blocking
// the job's terminal write.
func (t *txn) addReserved(keyID, month string, d time.Duration) error {
	cur, err := t.reserved(keyID, month)
	if err != nil {
		return err
	}
	k := monthlyKey(keyID, month)
	total := cur + d
	if d > 0 && total < cur {
		total = math.MaxInt64
	}
	if total <= 0 {
		if err := t.bucket(bucketReserved).Delete(k); err != nil {
			return fmt.Errorf("delete reserved total: %w", err)
		}
		return nil
	}
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, uint64(total))
	if err := t.bucket(bucketReserved).Put(k, v); err != nil {
		return fmt.Errorf("put reserved total: %w", err)
	}
	return nil
}
