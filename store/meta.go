package store

import (
	"crypto/rand"
	"fmt"
)

// Secret returns the random secret called name, creating and persisting size
// random bytes on first use, e.g. the key that signs download URLs. A stored
// secret of another size is an error rather than a silent rotation.
func (s *Store) Secret(name string, size int) ([]byte, error) {
	if name == "" || size <= 0 {
		return nil, fmt.Errorf("store: secret %q of %d bytes: %w", name, size, ErrInvalid)
	}
	var out []byte
	err := s.update(func(tx *txn) error {
		meta, k := tx.bucket(bucketMeta), []byte(metaSecretPrefix+name)
		if v := meta.Get(k); v != nil {
			if len(v) != size {
				return fmt.Errorf("stored secret has %d bytes, want %d", len(v), size)
			}
			out = append([]byte(nil), v...)
			return nil
		}
		out = make([]byte, size)
		if _, err := rand.Read(out); err != nil {
			return err
		}
		return meta.Put(k, out)
	})
	if err != nil {
		return nil, fmt.Errorf("store: secret %q: %w", name, err)
	}
	return out, nil
}
