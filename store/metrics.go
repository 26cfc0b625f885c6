package store

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Stats are counts for monitoring, read in one transaction.
type Stats struct {
	// Queued is the number of queued jobs, in both queues.
	Queued int
	// PendingDeliveries is the number of webhook deliveries neither
	// delivered nor failed yet.
	PendingDeliveries int
	// OldestPendingDelivery is the CreatedAt of the oldest pending delivery,
	// to the millisecond (read from its UUIDv7 ID, so that no record is
	// decoded); zero when none is pending. A redelivered delivery keeps its
	// ID and so counts from its first creation.
	OldestPendingDelivery time.Time
}

// Stats counts the queued jobs and the pending webhook deliveries. It reads
// the queues' key counts and walks the keys of the due index, which holds
// only pending deliveries; no record is decoded.
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.view(func(tx *txn) error {
		for _, q := range [][]byte{bucketQueue, bucketSyncQueue} {
			st.Queued += tx.bucket(q).Stats().KeyN
		}
		var oldest uint64
		c := tx.bucket(bucketDeliveriesDue).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 8+16 {
				return fmt.Errorf("due index key %x: bad length", k)
			}
			st.PendingDeliveries++
			// A UUIDv7 begins with its creation time: 48 bits of Unix ms.
			ms := binary.BigEndian.Uint64(k[8:16]) >> 16
			if oldest == 0 || ms < oldest {
				oldest = ms
			}
		}
		if oldest > 0 {
			st.OldestPendingDelivery = time.UnixMilli(int64(oldest)).UTC()
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}

// Ping checks that the store can commit a write: it rewrites the schema
// version with its own value in a read-write transaction, which bbolt
// writes and syncs to the file.
func (s *Store) Ping() error {
	err := s.update(func(tx *txn) error {
		meta := tx.bucket(bucketMeta)
		v := meta.Get(metaSchemaVersion)
		if v == nil {
			return fmt.Errorf("%w: no schema version", ErrSchema)
		}
		return meta.Put(metaSchemaVersion, append([]byte(nil), v...))
	})
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}
