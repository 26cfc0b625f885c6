//go:build stress

package stress

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// storeVar names the environment variable that picks the store the suites
// run serve on: unset or "bbolt" for the bbolt file in the data directory,
// "postgres" for a database on a throwaway PostgreSQL cluster (make
// test-stress-postgres).
const storeVar = "STRESS_STORE"

// pgLease is store.lease in postgres mode: a restarted node takes back the
// jobs of the one killed before it once their lease lapses, so a short
// lease keeps the suites quick.
const pgLease = "3s"

// postgresMode reports whether the suites run on PostgreSQL.
func postgresMode() bool { return os.Getenv(storeVar) == "postgres" }

// storeName is the store the suites run on, for their summaries.
func storeName() string {
	if postgresMode() {
		return "postgres"
	}
	return "bbolt"
}

// stressStore is the store one serve (or one series of restarts) runs on.
type stressStore struct {
	env []string // the serve environment that selects it
	url string   // the database URL in postgres mode
}

// newStressStore returns the store for one serve: nothing to add in bbolt
// mode (the file is in the data directory), a fresh database in postgres
// mode.
func newStressStore(t *testing.T) stressStore {
	t.Helper()
	if !postgresMode() {
		return stressStore{}
	}
	url := pgtest.Database(t)
	return stressStore{url: url, env: []string{
		"INSTANTTRANSCRIBER_STORE_DRIVER=postgres",
		"INSTANTTRANSCRIBER_STORE_POSTGRES_URL=" + url,
		"INSTANTTRANSCRIBER_STORE_LEASE=" + pgLease,
	}}
}

// open opens the store after the server stopped, for the final checks. In
// bbolt mode the file is checked for consistency first.
func (s stressStore) open(t *testing.T, dataDir string) store.Backend {
	t.Helper()
	if s.url != "" {
		pg, err := store.OpenPostgres(context.Background(), s.url, store.PostgresOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return pg
	}
	dbPath := filepath.Join(dataDir, "instanttranscriber.db")
	db, err := bolt.Open(dbPath, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
