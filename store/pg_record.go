package store

import (
	"errors"

	"github.com/jackc/pgx/v5"
)

// The record column of the PostgreSQL rows: every table of jobs, keys and
// deliveries keeps the JSON record of record.go, which these decode.

// getRecord reads the record of the row id of table, one of this
// package's tables, with decode; forUpdate locks the row until the
// transaction ends. An id that is not a UUIDv7 is ErrNotFound.
func getRecord[V any](t *pgtx, table, id string, forUpdate bool, decode func([]byte) (V, error)) (V, error) {
	if _, ok := idBytes(id); !ok {
		var zero V
		return zero, ErrNotFound
	}
	q := "SELECT record FROM " + table + " WHERE id = $1"
	if forUpdate {
		q += " FOR UPDATE"
	}
	return scanRecord(t.tx.QueryRow(t.ctx, q, id), decode)
}

// scanRecord decodes the record of one row with decode; no row is
// ErrNotFound.
func scanRecord[V any](row pgx.Row, decode func([]byte) (V, error)) (V, error) {
	var b []byte
	if err := row.Scan(&b); err != nil {
		var zero V
		if errors.Is(err, pgx.ErrNoRows) {
			return zero, ErrNotFound
		}
		return zero, err
	}
	return decode(b)
}

// collectRecords decodes the record of every row with decode, in order;
// nil when there are none.
func collectRecords[V any](rows pgx.Rows, decode func([]byte) (V, error)) ([]V, error) {
	recs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, err
	}
	var out []V
	for _, b := range recs {
		v, err := decode(b)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
