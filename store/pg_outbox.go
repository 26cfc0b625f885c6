package store

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// announce queues the delivery build makes for job; see txn.announce.
func (t *pgtx) announce(job Job, build DeliveryFunc, now time.Time) error {
	d := announcement(job, build)
	if d == nil {
		return nil
	}
	next, err := newDelivery(job, *d, now)
	if err != nil {
		return err
	}
	if err := t.insertDelivery(next); err != nil {
		return err
	}
	return t.notify(outboxChannel)
}

// deliveryColumns are the derived columns of a delivery row: next_at, set
// only while it is pending, and the record.
func deliveryColumns(d Delivery) (next *time.Time, record []byte, err error) {
	if d.Status == DeliveryPending {
		next = &d.NextAt
	}
	record, err = encodeDelivery(d)
	return next, record, err
}

// insertDelivery writes a new delivery.
func (t *pgtx) insertDelivery(d Delivery) error {
	next, rec, err := deliveryColumns(d)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, `INSERT INTO deliveries (id, job_id, status, next_at, url, record) VALUES ($1, $2, $3, $4, $5, $6)`,
		d.ID, d.JobID, d.Status, next, d.URL, rec)
	if isUniqueViolation(err) {
		return fmt.Errorf("delivery %s: %w", d.ID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert delivery %s: %w", d.ID, err)
	}
	return nil
}

// putDelivery rewrites a delivery; its lease ends with the attempt.
func (t *pgtx) putDelivery(d Delivery) error {
	next, rec, err := deliveryColumns(d)
	if err != nil {
		return err
	}
	if _, err := t.tx.Exec(t.ctx, "UPDATE deliveries SET status = $2, next_at = $3, locked_until = NULL, record = $4 WHERE id = $1",
		d.ID, d.Status, next, rec); err != nil {
		return fmt.Errorf("put delivery %s: %w", d.ID, err)
	}
	if d.Status == DeliveryPending {
		return t.notify(outboxChannel)
	}
	return nil
}

// GetDelivery loads one delivery.
func (p *Postgres) GetDelivery(id string) (Delivery, error) {
	return read(p.update, "get delivery "+id, func(t *pgtx) (Delivery, error) {
		return getRecord(t, "deliveries", id, false, decodeDelivery)
	})
}

// DeliveriesForJob returns a job's deliveries, oldest first.
func (p *Postgres) DeliveriesForJob(jobID string) ([]Delivery, error) {
	if _, ok := idBytes(jobID); !ok {
		return nil, nil
	}
	return read(p.update, "deliveries for job "+jobID, func(t *pgtx) ([]Delivery, error) {
		rows, err := t.tx.Query(t.ctx, "SELECT record FROM deliveries WHERE job_id = $1 ORDER BY id", jobID)
		if err != nil {
			return nil, err
		}
		return collectRecords(rows, decodeDelivery)
	})
}

// DueEntries returns pending deliveries due at now, earliest first, after
// the entry after (zero for the first page), at most limit (0: all).
// Deliveries another node is attempting (leased by LeaseDelivery) are left
// out until their lease lapses.
func (p *Postgres) DueEntries(now time.Time, after DueEntry, limit int) ([]DueEntry, error) {
	var afterID *string
	if after.ID != "" {
		if _, ok := idBytes(after.ID); !ok {
			return nil, fmt.Errorf("store: due entries after %q: %w", after.ID, ErrInvalid)
		}
		afterID = &after.ID
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	var out []DueEntry
	err := p.update(func(t *pgtx) error {
		rows, err := t.tx.Query(t.ctx, `SELECT id::text, url, next_at FROM deliveries
			WHERE status = 'pending' AND next_at <= $1 AND (locked_until IS NULL OR locked_until < $5)
			AND ($3::uuid IS NULL OR (next_at, id) > ($2, $3::uuid))
			ORDER BY next_at, id LIMIT $4`, now, after.NextAt, afterID, lim, p.now())
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DueEntry, error) {
			var e DueEntry
			err := r.Scan(&e.ID, &e.URL, &e.NextAt)
			e.NextAt = e.NextAt.UTC()
			return e, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: due entries: %w", err)
	}
	return out, nil
}

// NextDeliveryAt returns the earliest NextAt of the pending deliveries.
func (p *Postgres) NextDeliveryAt() (time.Time, bool, error) {
	var at *time.Time
	err := p.update(func(t *pgtx) error {
		return t.tx.QueryRow(t.ctx, "SELECT min(next_at) FROM deliveries WHERE status = 'pending'").Scan(&at)
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next delivery time: %w", err)
	}
	if at == nil {
		return time.Time{}, false, nil
	}
	return at.UTC(), true, nil
}

// RecordDeliveryAttempt records an attempt and what follows from it; see
// (*Store).RecordDeliveryAttempt. It ends the attempt's lease.
func (p *Postgres) RecordDeliveryAttempt(id string, a DeliveryAttempt, result DeliveryResult) (Delivery, error) {
	return p.writer().recordDeliveryAttempt(id, a, result)
}

// deliveryForUpdate reads delivery id, locked.
func (t *pgtx) deliveryForUpdate(id string) (Delivery, error) {
	return getRecord(t, "deliveries", id, true, decodeDelivery)
}

// rewriteDelivery is putDelivery: the row is rewritten whole.
func (t *pgtx) rewriteDelivery(_ *Delivery, next Delivery) error { return t.putDelivery(next) }

// Redeliver is RedeliverWith(jobID, nil).
func (p *Postgres) Redeliver(jobID string) (Delivery, error) {
	return p.RedeliverWith(jobID, nil)
}

// RedeliverWith makes the job's latest delivery pending again in a new
// round; see (*Store).RedeliverWith.
func (p *Postgres) RedeliverWith(jobID string, payload func(Job) []byte) (Delivery, error) {
	return p.writer().redeliverWith(jobID, payload)
}

// latestDelivery reads the latest delivery of job jobID, locked.
func (t *pgtx) latestDelivery(jobID string) (Delivery, error) {
	if _, ok := idBytes(jobID); !ok {
		return Delivery{}, ErrNotFound
	}
	return scanRecord(t.tx.QueryRow(t.ctx,
		"SELECT record FROM deliveries WHERE job_id = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE", jobID), decodeDelivery)
}

// LeaseDelivery takes delivery id for one attempt by this node: until the
// lease (the store's Lease) lapses or the attempt is recorded, DueEntries
// on other nodes leaves it out. It returns the delivery, or ErrNotPending
// when it is no longer pending, or ErrNotFound when another node holds it.
func (p *Postgres) LeaseDelivery(id string) (Delivery, error) {
	var d Delivery
	err := p.update(func(t *pgtx) error {
		if _, ok := idBytes(id); !ok {
			return ErrNotFound
		}
		now := p.now()
		var err error
		d, err = scanRecord(t.tx.QueryRow(t.ctx, `SELECT record FROM deliveries WHERE id = $1
			AND (locked_until IS NULL OR locked_until < $2) FOR UPDATE SKIP LOCKED`, id, now), decodeDelivery)
		if err != nil {
			return err
		}
		if d.Status != DeliveryPending {
			return fmt.Errorf("%w (status %s)", ErrNotPending, d.Status)
		}
		_, err = t.tx.Exec(t.ctx, "UPDATE deliveries SET locked_until = $2 WHERE id = $1", id, now.Add(p.lease))
		return err
	})
	if err != nil {
		return Delivery{}, fmt.Errorf("store: lease delivery %s: %w", id, err)
	}
	return d, nil
}
