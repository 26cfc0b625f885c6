package store

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"
)

// Key is an API key. Only the SHA-256 hash of the secret is stored.
type Key struct {
	// ID is a UUIDv7 string; CreateKey assigns one when empty.
	ID   string
	Name string
	// Hash is the SHA-256 of the secret key; it is unique across keys.
	Hash  [32]byte
	Admin bool
	// QuotaSeconds is the audio allowance per calendar month (UTC); 0 is
	// unlimited.
	QuotaSeconds int64
	CreatedAt    time.Time
	// RevokedAt is zero while the key is valid.
	RevokedAt time.Time
}

// Revoked reports whether the key has been revoked.
func (k Key) Revoked() bool { return !k.RevokedAt.IsZero() }

// CreateKey stores a new API key with its ID and CreatedAt filled in. A key
// with the same ID or Hash is ErrExists.
func (s *Store) CreateKey(k Key) (Key, error) {
	kid, err := assignID(k.ID)
	if err != nil {
		return Key{}, fmt.Errorf("store: create key: %w", err)
	}
	k.ID = kid
	id, _ := idBytes(k.ID)
	err = s.update(func(tx *txn) error {
		keys, hashes := tx.bucket(bucketKeys), tx.bucket(bucketKeyHashes)
		if keys.Get(id) != nil {
			return fmt.Errorf("key %s: %w", k.ID, ErrExists)
		}
		if hashes.Get(k.Hash[:]) != nil {
			return fmt.Errorf("key hash: %w", ErrExists)
		}
		k.CreatedAt = s.now()
		k.RevokedAt = time.Time{}
		v, err := encodeKey(k)
		if err != nil {
			return err
		}
		if err := keys.Put(id, v); err != nil {
			return err
		}
		return hashes.Put(k.Hash[:], id)
	})
	if err != nil {
		return Key{}, fmt.Errorf("store: create key: %w", err)
	}
	return k, nil
}

// KeyByHash returns the key whose secret hashes to hash, revoked or not
// (check Revoked), or ErrNotFound.
func (s *Store) KeyByHash(hash [32]byte) (Key, error) {
	return read(s.view, "key by hash", func(tx *txn) (Key, error) {
		id := tx.bucket(bucketKeyHashes).Get(hash[:])
		if id == nil {
			return Key{}, ErrNotFound
		}
		k, err := tx.getKey(id)
		if err != nil {
			return Key{}, err
		}
		return k, hasHash(k, hash)
	})
}

// hasHash is ErrNotFound unless k's hash is hash, compared in constant
// time: KeyByHash's check of the key its index found.
func hasHash(k Key, hash [32]byte) error {
	if subtle.ConstantTimeCompare(k.Hash[:], hash[:]) != 1 {
		return ErrNotFound
	}
	return nil
}

// GetKey returns the key with the given ID, revoked or not (check Revoked),
// or ErrNotFound.
func (s *Store) GetKey(id string) (Key, error) {
	return read(s.view, "get key "+id, func(tx *txn) (Key, error) {
		kb, ok := idBytes(id)
		if !ok {
			return Key{}, ErrNotFound
		}
		return tx.getKey(kb)
	})
}

func (t *txn) getKey(id []byte) (Key, error) {
	v := t.bucket(bucketKeys).Get(id)
	if v == nil {
		return Key{}, ErrNotFound
	}
	return decodeKey(v)
}

// ListKeys returns all keys, revoked ones included, oldest first.
func (s *Store) ListKeys() ([]Key, error) {
	var out []Key
	err := s.view(func(tx *txn) error {
		return tx.bucket(bucketKeys).ForEach(func(_, v []byte) error {
			k, err := decodeKey(v)
			if err != nil {
				return err
			}
			out = append(out, k)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: list keys: %w", err)
	}
	return out, nil
}

// ErrLastAdmin is returned by RevokeKey for the only admin key that is not
// revoked: without it no one could manage keys through the API.
var ErrLastAdmin = errors.New("the last admin key cannot be revoked; create another admin key first")

// RevokeKey sets the key's RevokedAt and returns it. Revoking a revoked key
// keeps the first RevokedAt. The hash stays indexed, so KeyByHash can tell a
// revoked key from an unknown one. Revoking the last valid admin key is
// ErrLastAdmin.
func (s *Store) RevokeKey(id string) (Key, error) {
	var k Key
	err := s.update(func(tx *txn) error {
		kb, ok := idBytes(id)
		if !ok {
			return ErrNotFound
		}
		var err error
		if k, err = tx.getKey(kb); err != nil {
			return err
		}
		if k.Revoked() {
			return nil
		}
		if k.Admin {
			others, err := tx.otherAdmins(kb)
			if err != nil {
				return err
			}
			if others == 0 {
				return ErrLastAdmin
			}
		}
		k.RevokedAt = s.now()
		v, err := encodeKey(k)
		if err != nil {
			return err
		}
		return tx.bucket(bucketKeys).Put(kb, v)
	})
	if err != nil {
		return Key{}, fmt.Errorf("store: revoke key %s: %w", id, err)
	}
	return k, nil
}

// otherAdmins counts the admin keys, other than the key with ID id, that
// are not revoked.
func (t *txn) otherAdmins(id []byte) (int, error) {
	n := 0
	err := t.bucket(bucketKeys).ForEach(func(kid, v []byte) error {
		if bytes.Equal(kid, id) {
			return nil
		}
		k, err := decodeKey(v)
		if err != nil {
			return err
		}
		if k.Admin && !k.Revoked() {
			n++
		}
		return nil
	})
	return n, err
}

// CountKeys returns the number of keys, revoked ones included.
func (s *Store) CountKeys() (int, error) {
	var n int
	err := s.view(func(tx *txn) error {
		n = tx.bucket(bucketKeys).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: count keys: %w", err)
	}
	return n, nil
}
