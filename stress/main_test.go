//go:build stress

package stress

import (
	"os"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
)

// TestMain starts the PostgreSQL cluster in postgres mode and refuses an
// unknown STRESS_STORE.
func TestMain(m *testing.M) {
	switch os.Getenv(storeVar) {
	case "", "bbolt":
		os.Exit(m.Run())
	case "postgres":
		pgtest.Main(m)
	default:
		os.Stderr.WriteString(storeVar + " must be bbolt or postgres\n")
		os.Exit(2)
	}
}
