package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Secrets returns the versions of a named secret, current first, creating
// version 1 on first use; see (*Store).Secrets. Nodes that start together
// agree on the one version 1 that is inserted first.
func (p *Postgres) Secrets(name string, size int) ([]SecretVersion, error) {
	return secretVersions(p.update, p.now, name, size)
}

// Secret returns the current version of a named secret.
func (p *Postgres) Secret(name string, size int) ([]byte, error) {
	return currentSecret(p.Secrets(name, size))
}

// RotateSecret makes a new current version of a named secret; see
// (*Store).RotateSecret.
func (p *Postgres) RotateSecret(name string, size int, dropRetiredBefore time.Time) ([]SecretVersion, error) {
	return rotateSecret(p.update, p.now, name, size, dropRetiredBefore)
}

// secrets reads a secret's versions, inserting version 1 when there are
// none; forUpdate locks the row.
func (t *pgtx) secrets(name string, size int, forUpdate bool, now time.Time) ([]SecretVersion, error) {
	first, err := firstSecrets(nil, size, now)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(first)
	if err != nil {
		return nil, err
	}
	if _, err := t.tx.Exec(t.ctx, "INSERT INTO secrets (name, versions) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name, b); err != nil {
		return nil, err
	}
	q := "SELECT versions FROM secrets WHERE name = $1"
	if forUpdate {
		q += " FOR UPDATE"
	}
	var raw []byte
	if err := t.tx.QueryRow(t.ctx, q, name).Scan(&raw); err != nil {
		return nil, err
	}
	var vs []SecretVersion
	if err := json.Unmarshal(raw, &vs); err != nil {
		return nil, fmt.Errorf("decode secret versions: %w", err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("secret %q has no versions", name)
	}
	if err := checkSecrets(vs, size); err != nil {
		return nil, err
	}
	return vs, nil
}

// putSecrets replaces the versions of name.
func (t *pgtx) putSecrets(name string, vs []SecretVersion) error {
	b, err := json.Marshal(vs)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(t.ctx, "UPDATE secrets SET versions = $2 WHERE name = $1", name, b)
	return err
}

// Usage returns keyID's charged seconds in month's UTC calendar month.
func (p *Postgres) Usage(keyID string, month time.Time) (float64, error) {
	return read(p.update, "usage", func(t *pgtx) (float64, error) {
		return t.usage(keyID, monthKey(month))
	})
}

// QuotaUsage returns keyID's usage and reservations in month's UTC month.
func (p *Postgres) QuotaUsage(keyID string, month time.Time) (MonthUsage, error) {
	return read(p.update, "quota usage", func(t *pgtx) (MonthUsage, error) {
		used, res, err := monthUsage(t, keyID, monthKey(month))
		return MonthUsage{UsedSeconds: used, ReservedSeconds: res.Seconds()}, err
	})
}

// Stats returns the gauges of /metrics: queued jobs, pending deliveries and
// the creation time of the oldest pending one (from its UUIDv7).
func (p *Postgres) Stats() (Stats, error) {
	var st Stats
	err := p.update(func(t *pgtx) error {
		if err := t.tx.QueryRow(t.ctx, "SELECT count(*) FROM jobs WHERE status = 'queued'").Scan(&st.Queued); err != nil {
			return err
		}
		var oldest *string
		err := t.tx.QueryRow(t.ctx, `SELECT count(*), (SELECT id::text FROM deliveries WHERE status = 'pending' ORDER BY id LIMIT 1)
			FROM deliveries WHERE status = 'pending'`).Scan(&st.PendingDeliveries, &oldest)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if oldest != nil {
			if b, ok := idBytes(*oldest); ok {
				st.OldestPendingDelivery = time.UnixMilli(int64(binary.BigEndian.Uint64(b[:8]) >> 16)).UTC()
			}
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}
