package store

import (
	"fmt"
	"time"
)

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"
)

// Delivery is a webhook outbox record: one notification of a job's terminal
// state, written in the same transaction as that state.
//
// When a Delivery is handed to FinishJob, CancelJob or RecoverOrphans the
// caller provides Payload and, optionally, ID (a UUIDv7), URL and Secret; the
// store sets JobID, fills an empty URL and Secret from the job's
// CallbackURL and CallbackSecret, and sets Status pending, Attempt 0,
// CreatedAt and NextAt to now.
type Delivery struct {
	ID      string
	JobID   string
	URL     string
	Secret  string
	Payload []byte
	// Attempt counts delivery attempts made so far.
	Attempt   int
	NextAt    time.Time
	CreatedAt time.Time
	// Status is DeliveryPending, DeliveryDelivered or DeliveryDead.
	Status    string
	LastError string
}

// addDelivery stores d for job as a pending delivery due now.
func (t *txn) addDelivery(job Job, d Delivery, now time.Time) (Delivery, error) {
	if d.ID == "" {
		id, err := newID()
		if err != nil {
			return Delivery{}, err
		}
		d.ID = id
	}
	id, ok := idBytes(d.ID)
	if !ok {
		return Delivery{}, fmt.Errorf("delivery id %q is not a UUIDv7: %w", d.ID, ErrInvalid)
	}
	jobKey, ok := idBytes(job.ID)
	if !ok {
		return Delivery{}, fmt.Errorf("job id %q: %w", job.ID, ErrInvalid)
	}
	d.ID = idString(id)
	d.JobID = job.ID
	if d.URL == "" {
		d.URL = job.CallbackURL
	}
	if d.Secret == "" {
		d.Secret = job.CallbackSecret
	}
	if d.URL == "" {
		return Delivery{}, fmt.Errorf("delivery for job %s has no url: %w", job.ID, ErrInvalid)
	}
	d.Status = DeliveryPending
	d.Attempt = 0
	d.CreatedAt, d.NextAt = now, now
	d.LastError = ""

	b := t.bucket(bucketDeliveries)
	if b.Get(id) != nil {
		return Delivery{}, fmt.Errorf("delivery %s: %w", d.ID, ErrExists)
	}
	v, err := encodeDelivery(d)
	if err != nil {
		return Delivery{}, fmt.Errorf("encode delivery %s: %w", d.ID, err)
	}
	if err := b.Put(id, v); err != nil {
		return Delivery{}, fmt.Errorf("put delivery %s: %w", d.ID, err)
	}
	if err := t.bucket(bucketDeliveriesDue).Put(concat(timeKey(d.NextAt), id), nil); err != nil {
		return Delivery{}, fmt.Errorf("index delivery %s: %w", d.ID, err)
	}
	if err := t.bucket(bucketDeliveriesByJob).Put(concat(jobKey, id), nil); err != nil {
		return Delivery{}, fmt.Errorf("index delivery %s: %w", d.ID, err)
	}
	return d, nil
}

// deliveriesForJob loads the deliveries of a job, oldest first.
func (t *txn) deliveriesForJob(jobKey []byte) ([]Delivery, error) {
	var out []Delivery
	err := t.scanPrefix(bucketDeliveriesByJob, jobKey, func(id []byte) error {
		v := t.bucket(bucketDeliveries).Get(id)
		if v == nil {
			return fmt.Errorf("delivery index entry %s: %w", idString(id), ErrNotFound)
		}
		d, err := decodeDelivery(v)
		if err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

// removeFinishedDeliveries deletes a job's delivered and dead deliveries.
func (t *txn) removeFinishedDeliveries(jobKey []byte) error {
	ds, err := t.deliveriesForJob(jobKey)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Status == DeliveryPending {
			continue
		}
		id, _ := idBytes(d.ID)
		for _, e := range []indexEntry{
			{bucketDeliveriesDue, concat(timeKey(d.NextAt), id)},
			{bucketDeliveriesByJob, concat(jobKey, id)},
			{bucketDeliveries, id},
		} {
			if err := t.bucket(e.bucket).Delete(e.key); err != nil {
				return fmt.Errorf("delete delivery %s: %w", d.ID, err)
			}
		}
	}
	return nil
}

// GetDelivery returns a webhook delivery, or ErrNotFound.
func (s *Store) GetDelivery(id string) (Delivery, error) {
	var d Delivery
	err := s.view(func(tx *txn) error {
		k, ok := idBytes(id)
		if !ok {
			return ErrNotFound
		}
		v := tx.bucket(bucketDeliveries).Get(k)
		if v == nil {
			return ErrNotFound
		}
		var err error
		d, err = decodeDelivery(v)
		return err
	})
	if err != nil {
		return Delivery{}, fmt.Errorf("store: get delivery %s: %w", id, err)
	}
	return d, nil
}

// DeliveriesForJob returns the webhook deliveries recorded for a job, oldest
// first; none for an unknown job.
func (s *Store) DeliveriesForJob(jobID string) ([]Delivery, error) {
	k, ok := idBytes(jobID)
	if !ok {
		return nil, nil
	}
	var out []Delivery
	err := s.view(func(tx *txn) error {
		var err error
		out, err = tx.deliveriesForJob(k)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: deliveries for job %s: %w", jobID, err)
	}
	return out, nil
}
