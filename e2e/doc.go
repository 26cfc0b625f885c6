// Package e2e holds what the end-to-end tests share: the root package's
// tests of the real binary (crash, shutdown, webhook crash) and stress/.
//
// Serve starts `instanttranscriber serve` so that it never outlives the
// test that started it, even when that test fails half-way.
package e2e
