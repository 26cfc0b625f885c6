package store

import (
	"fmt"
	"time"
)

// getKey reads an API key; forUpdate locks its row.
func (t *pgtx) getKey(id string, forUpdate bool) (Key, error) {
	return getRecord(t, "api_keys", id, forUpdate, decodeKey)
}

// CreateKey stores a new API key; see (*Store).CreateKey.
func (p *Postgres) CreateKey(k Key) (Key, error) {
	kid, err := assignID(k.ID)
	if err != nil {
		return Key{}, fmt.Errorf("store: create key: %w", err)
	}
	k.ID = kid
	err = p.update(func(t *pgtx) error {
		k.CreatedAt = p.now()
		k.RevokedAt = time.Time{}
		rec, err := encodeKey(k)
		if err != nil {
			return err
		}
		_, err = t.tx.Exec(t.ctx, "INSERT INTO api_keys (id, hash, record) VALUES ($1, $2, $3)", k.ID, k.Hash[:], rec)
		if isUniqueViolation(err) {
			return fmt.Errorf("key %s or its hash: %w", k.ID, ErrExists)
		}
		return err
	})
	if err != nil {
		return Key{}, fmt.Errorf("store: create key: %w", err)
	}
	return k, nil
}

// KeyByHash returns the API key whose secret hashes to hash.
func (p *Postgres) KeyByHash(hash [32]byte) (Key, error) {
	return read(p.update, "key by hash", func(t *pgtx) (Key, error) {
		k, err := scanRecord(t.tx.QueryRow(t.ctx, "SELECT record FROM api_keys WHERE hash = $1", hash[:]), decodeKey)
		if err != nil {
			return Key{}, err
		}
		return k, hasHash(k, hash)
	})
}

// GetKey returns an API key by ID.
func (p *Postgres) GetKey(id string) (Key, error) {
	return read(p.update, "get key "+id, func(t *pgtx) (Key, error) {
		return t.getKey(id, false)
	})
}

// ListKeys returns every API key, oldest first.
func (p *Postgres) ListKeys() ([]Key, error) {
	return read(p.update, "list keys", func(t *pgtx) ([]Key, error) {
		return t.keys()
	})
}

func (t *pgtx) keys() ([]Key, error) {
	rows, err := t.tx.Query(t.ctx, "SELECT record FROM api_keys ORDER BY id")
	if err != nil {
		return nil, err
	}
	return collectRecords(rows, decodeKey)
}

// RevokeKey revokes an API key, refusing the last admin key
// (ErrLastAdmin); see (*Store).RevokeKey. Revocations are serialised, so
// two nodes cannot each revoke one of the last two admin keys.
func (p *Postgres) RevokeKey(id string) (Key, error) {
	var k Key
	err := p.update(func(t *pgtx) error {
		if _, err := t.tx.Exec(t.ctx, "LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
		var err error
		if k, err = t.getKey(id, true); err != nil {
			return err
		}
		if k.Revoked() {
			return nil
		}
		if k.Admin {
			all, err := t.keys()
			if err != nil {
				return err
			}
			if otherAdmins(all, k.ID) == 0 {
				return ErrLastAdmin
			}
		}
		k.RevokedAt = p.now()
		rec, err := encodeKey(k)
		if err != nil {
			return err
		}
		_, err = t.tx.Exec(t.ctx, "UPDATE api_keys SET record = $2 WHERE id = $1", k.ID, rec)
		return err
	})
	if err != nil {
		return Key{}, fmt.Errorf("store: revoke key %s: %w", id, err)
	}
	return k, nil
}

// otherAdmins counts the admin keys of keys, other than id, not revoked.
func otherAdmins(keys []Key, id string) int {
	n := 0
	for _, k := range keys {
		if k.ID != id && k.Admin && !k.Revoked() {
			n++
		}
	}
	return n
}

// CountKeys returns the number of API keys, revoked ones included.
func (p *Postgres) CountKeys() (int, error) {
	var n int
	err := p.update(func(t *pgtx) error {
		return t.tx.QueryRow(t.ctx, "SELECT count(*) FROM api_keys").Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: count keys: %w", err)
	}
	return n, nil
}
