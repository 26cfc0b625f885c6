package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"

	"github.com/instanttranscriber/instanttranscriber/store"
	"github.com/instanttranscriber/instanttranscriber/store/storetest"
)

// TestContractBolt runs the store contract on the bbolt store.
func TestContractBolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock *storetest.Clock) store.Backend {
		st, err := store.Open(filepath.Join(t.TempDir(), "c.db"), store.Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	})
}

// TestContractPostgres runs the store contract on the PostgreSQL store,
// one fresh database per test.
func TestContractPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock *storetest.Clock) store.Backend {
		return openPostgres(t, pgtest.Database(t), clock.Now)
	})
}

// openPostgres opens the PostgreSQL store at url with a one-minute lease.
func openPostgres(t testing.TB, url string, now func() time.Time) *store.Postgres {
	t.Helper()
	st, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{Now: now, Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
