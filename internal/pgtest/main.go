package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
)

// SkipEnv, set to "skip", skips the tests that need PostgreSQL instead of
// failing them when it is not installed.
const SkipEnv = "INSTANTTRANSCRIBER_TEST_POSTGRES"

var (
	mu      sync.Mutex
	shared  *Cluster
	skipped bool
	dbCount atomic.Int64
)

// Main starts the package's cluster, runs the tests and stops it; call it
// from TestMain. It exits 1 when PostgreSQL cannot start, unless SkipEnv
// says to skip.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	c, err := Start()
	switch {
	case err != nil && os.Getenv(SkipEnv) == "skip":
		fmt.Fprintf(os.Stderr, "pgtest: skipping PostgreSQL tests (%s=skip): %v\n", SkipEnv, err)
		skipped = true
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mu.Lock()
	shared = c
	mu.Unlock()
	code := m.Run()
	if c != nil {
		c.Stop()
	}
	return code
}

// Shared returns the cluster Main started; the test is skipped when
// PostgreSQL tests are skipped, and fails when Main did not run.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	mu.Lock()
	c := shared
	mu.Unlock()
	if skipped {
		t.Skipf("PostgreSQL tests skipped (%s=skip)", SkipEnv)
	}
	if c == nil {
		t.Fatal("pgtest: no cluster; call pgtest.Main from TestMain")
	}
	return c
}

// Database creates a fresh, empty database on the shared cluster for this
// test and returns its connection URL.
func Database(t testing.TB) string {
	t.Helper()
	c := Shared(t)
	url, err := c.CreateDatabase(context.Background(), dbName(int(dbCount.Add(1)), t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	return url
}
