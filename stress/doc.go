//go:build stress

// Package stress holds long-running robustness suites that run the real
// binary: crash recovery under repeated SIGKILL (crash_test.go, make
// test-crash) and a simulated 30-hour webhook receiver outage
// (outage_test.go, make test-outage). The build tag "stress" keeps them out
// of make test. STRESS_STORE=postgres runs serve on a database of a
// throwaway PostgreSQL cluster instead of the bbolt file (store.go; make
// test-stress-postgres runs the crash and outage suites so).
package stress
