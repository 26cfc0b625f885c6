package store

import (
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w and returns
// the number of bytes written. It runs in one read transaction, so it sees a
// snapshot and does not stop writers: jobs keep being created and finished
// while it copies. The copy is a complete bbolt file; restoring it means
// putting it in place of data_dir/instanttranscriber.db while the server is
// stopped.
//
// The read transaction stays open until w has taken every byte, and a long
// read transaction keeps bbolt from reusing freed pages (and from growing
// the file's memory map) in the meantime. So w should be fast: a local file,
// not a network client. The server's backup endpoint copies to a temporary
// file first for that reason.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		if err == nil && n != tx.Size() {
			err = fmt.Errorf("wrote %d of %d bytes", n, tx.Size())
		}
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}
