package store

import (
	"fmt"
	"time"
)

// Usage returns the audio seconds charged to keyID in the UTC calendar month
// containing month.
func (s *Store) Usage(keyID string, month time.Time) (float64, error) {
	return read(s.view, "usage", func(tx *txn) (float64, error) {
		return tx.usage(keyID, monthKey(month))
	})
}

// MonthUsage is what counts against an API key's quota in one UTC month.
type MonthUsage struct {
	// UsedSeconds is the audio charged for completed jobs.
	UsedSeconds float64
	// ReservedSeconds is the audio reserved by the key's active jobs.
	ReservedSeconds float64
}

// QuotaUsage returns keyID's used and reserved audio seconds in the UTC
// calendar month containing month, read in one transaction so that a job
// completing in between is not counted twice or not at all.
func (s *Store) QuotaUsage(keyID string, month time.Time) (MonthUsage, error) {
	return read(s.view, "quota usage", func(tx *txn) (MonthUsage, error) {
		used, res, err := monthUsage(tx, keyID, monthKey(month))
		return MonthUsage{UsedSeconds: used, ReservedSeconds: res.Seconds()}, err
	})
}

// usage returns keyID's charged seconds in month (YYYY-MM).
func (t *txn) usage(keyID, month string) (float64, error) {
	v := t.bucket(bucketUsage).Get(monthlyKey(keyID, month))
	if v == nil {
		return 0, nil
	}
	return decodeFloat(v)
}

// addUsage charges secs to keyID for month (YYYY-MM).
func (t *txn) addUsage(keyID, month string, secs float64) error {
	used, err := t.usage(keyID, month)
	if err != nil {
		return err
	}
	if err := t.bucket(bucketUsage).Put(monthlyKey(keyID, month), encodeFloat(used+secs)); err != nil {
		return fmt.Errorf("put usage: %w", err)
	}
	return nil
}
