//go:build !unix

package server

import "math"

// freeDisk cannot measure free space on this platform: it reports
// unlimited space, which turns the readiness check off.
func freeDisk(string) (uint64, error) { return math.MaxUint64, nil }
