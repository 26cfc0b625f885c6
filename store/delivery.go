package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Limits on what a Delivery keeps of its attempts.
const (
	// MaxDeliveryAttempts is how many attempts a Delivery keeps in Attempts;
	// older ones are dropped (Attempt still counts them).
	MaxDeliveryAttempts = 50
	// MaxAttemptResponseBody is how many bytes of a response body an
	// attempt keeps.
	MaxAttemptResponseBody = 1024
)

// Delivery is a webhook outbox record: one notification of a job's terminal
// state, written in the same transaction as that state.
//
// When a DeliveryFunc given to FinishJob, CancelJob or RecoverOrphans
// returns a Delivery it provides Payload, Event and, optionally, ID (a
// UUIDv7), EventID, URL and Secret; the store sets JobID and KeyID, fills an empty URL and Secret from the
// job's CallbackURL and CallbackSecret, derives an empty EventID from the job
// ID and Event, and sets Status pending, CreatedAt and NextAt to now.
type Delivery struct {
	ID    string
	JobID string
	// KeyID is the ID of the API key that owns the job, for the download
	// URLs signed when the delivery is sent; empty in records written
	// before it was kept.
	KeyID   string
	URL     string
	Secret  string
	Payload []byte
	// Event names what happened, such as "transcription.completed".
	Event string
	// EventID is the Standard Webhooks webhook-id: the same on every attempt
	// and redelivery, so that receivers can deduplicate. By default it is
	// "msg_" followed by the first 32 hex digits of
	// SHA-256(JobID + "/" + Event).
	EventID string
	// Attempt counts delivery attempts made so far, over all rounds.
	Attempt int
	// Round is 0 for the first delivery and goes up by one on each
	// Redeliver. RoundAttempts counts the attempts made in the current
	// round; the dispatcher's retry schedule is indexed by it.
	Round         int
	RoundAttempts int
	// Attempts holds the latest MaxDeliveryAttempts attempts, oldest first.
	Attempts []DeliveryAttempt
	// NextAt is when the next attempt is due; zero unless pending.
	NextAt    time.Time
	CreatedAt time.Time
	// Status is DeliveryPending, DeliveryDelivered or DeliveryFailed.
	Status string
	// LastError is the Error of the latest attempt.
	LastError string
}

// DeliveryAttempt is one HTTP request made for a Delivery.
type DeliveryAttempt struct {
	At time.Time
	// StatusCode is the response status; 0 when no response arrived.
	StatusCode int
	Duration   time.Duration
	// Error explains a failed attempt; empty for a success.
	Error string
	// ResponseBody is the first MaxAttemptResponseBody bytes of the
	// response body.
	ResponseBody string
}

// DefaultEventID is the EventID the store gives a delivery of event for a
// job: "msg_" and the first 32 hex digits of SHA-256(jobID + "/" + event).
func DefaultEventID(jobID, event string) string {
	sum := sha256.Sum256([]byte(jobID + "/" + event))
	return "msg_" + hex.EncodeToString(sum[:])[:32]
}

// DeliveryFunc builds the webhook delivery announcing a job's terminal
// state, from the job as the store is writing it. FinishJob, CancelJob and
// RecoverOrphans call it inside their write transaction, so it must only
// compute: no I/O, no calls into the Store. Returning nil records no
// delivery.
type DeliveryFunc func(Job) *Delivery

// announce queues build's delivery for job, which has just reached its
// terminal state, when build is non-nil and job has a CallbackURL.
func (t *txn) announce(job Job, build DeliveryFunc, now time.Time) error {
	d := announcement(job, build)
	if d == nil {
		return nil
	}
	_, err := t.addDelivery(job, *d, now)
	return err
}

// announcement is the delivery build makes for job; nil when build is nil,
// job has no CallbackURL, or build returns nil.
func announcement(job Job, build DeliveryFunc) *Delivery {
	if build == nil || job.CallbackURL == "" {
		return nil
	}
	return build(job)
}

// addDelivery stores d for job as a pending delivery due now.
func (t *txn) addDelivery(job Job, d Delivery, now time.Time) (Delivery, error) {
	d, err := newDelivery(job, d, now)
	if err != nil {
		return Delivery{}, err
	}
	id, _ := idBytes(d.ID)
	jobKey, _ := idBytes(job.ID)
	if t.bucket(bucketDeliveries).Get(id) != nil {
		return Delivery{}, fmt.Errorf("delivery %s: %w", d.ID, ErrExists)
	}
	if err := t.putDelivery(nil, d); err != nil {
		return Delivery{}, err
	}
	if err := t.bucket(bucketDeliveriesByJob).Put(concat(jobKey, id), nil); err != nil {
		return Delivery{}, fmt.Errorf("index delivery %s: %w", d.ID, err)
	}
	return d, nil
}

// putDelivery writes next and moves its deliveries_due entry from prev's
// state; prev is nil for a new delivery. Only pending deliveries are due;
// their entry carries the URL, so the dispatcher can pick deliveries per
// host without loading them.
func (t *txn) putDelivery(prev *Delivery, next Delivery) error {
	id, ok := idBytes(next.ID)
	if !ok {
		return fmt.Errorf("delivery id %q: %w", next.ID, ErrInvalid)
	}
	v, err := encodeDelivery(next)
	if err != nil {
		return fmt.Errorf("encode delivery %s: %w", next.ID, err)
	}
	due := t.bucket(bucketDeliveriesDue)
	if prev != nil && prev.Status == DeliveryPending {
		if err := due.Delete(concat(timeKey(prev.NextAt), id)); err != nil {
			return fmt.Errorf("unindex delivery %s: %w", next.ID, err)
		}
	}
	if next.Status == DeliveryPending {
		if err := due.Put(concat(timeKey(next.NextAt), id), []byte(next.URL)); err != nil {
			return fmt.Errorf("index delivery %s: %w", next.ID, err)
		}
	}
	if err := t.bucket(bucketDeliveries).Put(id, v); err != nil {
		return fmt.Errorf("put delivery %s: %w", next.ID, err)
	}
	return nil
}

// getDelivery loads a delivery by its ID string; ErrNotFound for unknown or
// malformed IDs.
func (t *txn) getDelivery(id string) (Delivery, error) {
	k, ok := idBytes(id)
	if !ok {
		return Delivery{}, ErrNotFound
	}
	v := t.bucket(bucketDeliveries).Get(k)
	if v == nil {
		return Delivery{}, ErrNotFound
	}
	return decodeDelivery(v)
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

// removeFinishedDeliveries deletes a job's delivered and failed deliveries.
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
	return read(s.view, "get delivery "+id, func(tx *txn) (Delivery, error) {
		return tx.getDelivery(id)
	})
}

// DeliveriesForJob returns the webhook deliveries recorded for a job, oldest
// first; none for an unknown job.
func (s *Store) DeliveriesForJob(jobID string) ([]Delivery, error) {
	k, ok := idBytes(jobID)
	if !ok {
		return nil, nil
	}
	return read(s.view, "deliveries for job "+jobID, func(tx *txn) ([]Delivery, error) {
		return tx.deliveriesForJob(k)
	})
}
