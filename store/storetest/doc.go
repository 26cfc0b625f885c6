// Package storetest is the contract of store.Backend as tests: Run holds a
// backend to what the application relies on, whichever database stands
// behind it. The bbolt store (store/) and the PostgreSQL store
// (store/pg_test.go) both run it.
package storetest
