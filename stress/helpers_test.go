//go:build stress

package stress

import (
	"os"
	"strconv"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// short reports whether the suite runs in its CI size.
func short() bool { return testing.Short() || os.Getenv("STRESS_SHORT") == "1" }

// envInt reads a positive integer from the environment, else def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// wav16 encodes 16 kHz mono samples as 16-bit PCM WAV.
func wav16(samples []float32) []byte { return e2e.WAV(samples) }
