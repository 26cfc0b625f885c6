package store_test

import (
	"testing"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
)

// TestMain starts the PostgreSQL cluster of the PostgreSQL store's tests.
func TestMain(m *testing.M) { pgtest.Main(m) }
