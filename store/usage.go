package store

import (
	"fmt"
	"time"
)

// Usage returns the audio seconds charged to keyID in the UTC calendar month
// containing month.
func (s *Store) Usage(keyID string, month time.Time) (float64, error) {
	var secs float64
	err := s.view(func(tx *txn) error {
		var err error
		secs, err = tx.usage(keyID, month)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: usage: %w", err)
	}
	return secs, nil
}

func usageKey(keyID string, t time.Time) []byte {
	return concat(ownerPrefix(keyID), []byte(monthKey(t)))
}

func (t *txn) usage(keyID string, month time.Time) (float64, error) {
	v := t.bucket(bucketUsage).Get(usageKey(keyID, month))
	if v == nil {
		return 0, nil
	}
	return decodeFloat(v)
}

// addUsage charges secs to keyID for the UTC month of now.
func (t *txn) addUsage(keyID string, now time.Time, secs float64) error {
	used, err := t.usage(keyID, now)
	if err != nil {
		return err
	}
	if err := t.bucket(bucketUsage).Put(usageKey(keyID, now), encodeFloat(used+secs)); err != nil {
		return fmt.Errorf("put usage: %w", err)
	}
	return nil
}
