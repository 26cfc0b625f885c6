package server

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// What the tests of this package share with the external ones (package
// server_test, the harness).

// TestClock is the real time moved forward by what a test adds: the
// server's clock in tests of signed URL expiry and rate limits.
type TestClock struct {
	mu  sync.Mutex
	off time.Duration
}

// Now is the real time plus what was added.
func (c *TestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

// Add moves the clock forward by d.
func (c *TestClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// OpenTestStore opens a store file in a new temporary directory, which it
// returns too, and closes it when the test ends.
func OpenTestStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "test.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, dir
}
