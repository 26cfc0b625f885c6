package webhook

import (
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// Store is the part of the outbox store the Dispatcher uses; *store.Store
// satisfies it.
type Store interface {
	// DueEntries walks the due index: pending deliveries due at now, earliest
	// first, after a previous page's last entry.
	DueEntries(now time.Time, after store.DueEntry, limit int) ([]store.DueEntry, error)
	// GetDelivery loads a delivery chosen for an attempt.
	GetDelivery(id string) (store.Delivery, error)
	// NextDeliveryAt returns the earliest NextAt of the pending deliveries.
	NextDeliveryAt() (time.Time, bool, error)
	// RecordDeliveryAttempt records an attempt and what follows from it.
	RecordDeliveryAttempt(id string, a store.DeliveryAttempt, result store.DeliveryResult) (store.Delivery, error)
}

var _ Store = (*store.Store)(nil)

// Leaser is a store that several dispatchers share (PostgreSQL): the
// Dispatcher loads a delivery for an attempt with LeaseDelivery instead of
// GetDelivery, so that one node at a time attempts it, and one that
// another node holds (store.ErrNotFound) or that ended
// (store.ErrNotPending) is left alone.
type Leaser interface {
	LeaseDelivery(id string) (store.Delivery, error)
}

var _ Leaser = (*store.Postgres)(nil)
