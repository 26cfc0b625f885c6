package store

import (
	"bytes"
	"fmt"
	"time"
)

// The dispatcher's side of the webhook outbox: find due deliveries, record
// attempts, and queue a delivery again on request.

// DeliveryResult is what RecordDeliveryAttempt makes of a delivery after an
// attempt.
type DeliveryResult struct {
	// Status is DeliveryPending (retry at NextAt), DeliveryDelivered or
	// DeliveryFailed (give up).
	Status string
	// NextAt is when to retry; required when Status is DeliveryPending.
	NextAt time.Time
	// Round is the Round of the delivery the attempt was made for, as it
	// was loaded. When Redeliver has started a later round meanwhile, the
	// attempt is kept in the history but the rest of the result is not
	// applied: the delivery stays pending and due as Redeliver left it, so
	// that the redelivery is not lost.
	Round int
}

// DueEntry is a due delivery as the due index records it: enough to decide
// whether to send it now without loading the record.
type DueEntry struct {
	ID     string
	URL    string
	NextAt time.Time
}

// DueEntries returns up to limit entries (all when limit is not positive) of
// the pending deliveries whose NextAt is not after now, earliest first
// (deliveries due at the same instant in ID order), starting after the entry after (from the start when
// after.ID is empty). It reads only the due index, so walking many
// deliveries that cannot be sent yet is cheap; load the chosen ones with
// GetDelivery.
func (s *Store) DueEntries(now time.Time, after DueEntry, limit int) ([]DueEntry, error) {
	var from []byte
	if after.ID != "" {
		id, ok := idBytes(after.ID)
		if !ok {
			return nil, fmt.Errorf("store: due entries after %q: %w", after.ID, ErrInvalid)
		}
		from = concat(timeKey(after.NextAt), id)
	}
	var out []DueEntry
	err := s.view(func(tx *txn) error {
		return tx.scanDue(now, from, limit, func(at time.Time, id, url []byte) error {
			out = append(out, DueEntry{ID: idString(id), URL: string(url), NextAt: at})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: due entries: %w", err)
	}
	return out, nil
}

// scanDue calls fn with the due time, delivery key and URL of up to limit (all when
// not positive) deliveries_due entries that are due at now, in key order,
// starting after the key after (from the start when nil). fn must not
// modify the bucket.
func (t *txn) scanDue(now time.Time, after []byte, limit int, fn func(at time.Time, id, url []byte) error) error {
	end := timeKey(now)
	c := t.bucket(bucketDeliveriesDue).Cursor()
	k, v := c.First()
	if after != nil {
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	for n := 0; k != nil && (limit <= 0 || n < limit); k, v = c.Next() {
		if len(k) != 8+16 {
			return fmt.Errorf("due index key %x: bad length", k)
		}
		if bytes.Compare(k[:8], end) > 0 {
			break
		}
		if err := fn(timeFromKey(k), k[8:], v); err != nil {
			return err
		}
		n++
	}
	return nil
}

// NextDeliveryAt returns the earliest NextAt of all pending deliveries, and
// false when none is pending.
func (s *Store) NextDeliveryAt() (time.Time, bool, error) {
	var (
		at time.Time
		ok bool
	)
	err := s.view(func(tx *txn) error {
		k, _ := tx.bucket(bucketDeliveriesDue).Cursor().First()
		if k == nil {
			return nil
		}
		if len(k) != 8+16 {
			return fmt.Errorf("due index key %x: bad length", k)
		}
		at, ok = timeFromKey(k), true
		return nil
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next delivery time: %w", err)
	}
	return at, ok, nil
}

// RecordDeliveryAttempt appends attempt a to a pending delivery (keeping the
// latest MaxDeliveryAttempts, with ResponseBody cut to
// MaxAttemptResponseBody bytes and a zero At set to now), raises Attempt and
// RoundAttempts, sets LastError to a.Error and applies result: pending again
// with the new NextAt, or delivered or failed, which takes it off the due
// index. An attempt of an earlier round than the delivery's (see
// DeliveryResult.Round) only joins the history. It returns the delivery in
// its new state; ErrNotFound for an unknown delivery, ErrNotPending when it
// is already delivered or failed.
func (s *Store) RecordDeliveryAttempt(id string, a DeliveryAttempt, result DeliveryResult) (Delivery, error) {
	return s.writer().recordDeliveryAttempt(id, a, result)
}

// Redeliver queues the latest delivery of a job (by creation) again: it
// becomes pending and due now, in a new Round with RoundAttempts 0, keeping
// its ID, EventID, Attempt count and attempt history. A delivery that is
// still pending is moved up to now, and its retry schedule starts over. It
// returns ErrNotFound when the job has no delivery.
func (s *Store) Redeliver(jobID string) (Delivery, error) {
	return s.RedeliverWith(jobID, nil)
}

// RedeliverWith is Redeliver with the payload built again: in the same
// transaction it calls payload with the job as stored, and a non-nil
// result replaces the delivery's payload, so that a redelivery carries
// what changed since (speaker names, fresh download URLs). A nil payload
// func, or a nil result, keeps the payload.
func (s *Store) RedeliverWith(jobID string, payload func(Job) []byte) (Delivery, error) {
	return s.writer().redeliverWith(jobID, payload)
}

// latestDelivery reads the latest delivery of job jobID, by creation, from
// deliveries_by_job; ErrNotFound when the job has none.
func (t *txn) latestDelivery(jobID string) (Delivery, error) {
	jobKey, ok := idBytes(jobID)
	if !ok {
		return Delivery{}, ErrNotFound
	}
	c := t.bucket(bucketDeliveriesByJob).Cursor()
	var k []byte
	if end := prefixEnd(jobKey); end == nil {
		k, _ = c.Last()
	} else if k, _ = c.Seek(end); k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, jobKey) {
		return Delivery{}, ErrNotFound
	}
	prev, err := t.getDelivery(idString(k[len(jobKey):]))
	if err != nil {
		return Delivery{}, fmt.Errorf("delivery index entry %s: %w", idString(k[len(jobKey):]), err)
	}
	return prev, nil
}

// deliveryForUpdate is getDelivery.
func (t *txn) deliveryForUpdate(id string) (Delivery, error) { return t.getDelivery(id) }

// rewriteDelivery is putDelivery.
func (t *txn) rewriteDelivery(prev *Delivery, next Delivery) error { return t.putDelivery(prev, next) }
