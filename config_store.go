package main

import (
	"fmt"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
)

// Store drivers (store.driver).
const (
	StoreBolt     = "bbolt"
	StorePostgres = "postgres"
)

// StoreSection is the store: section: the database behind the jobs.
type StoreSection struct {
	// Driver is "bbolt" (one file in data_dir, one process) or "postgres"
	// (a database several nodes share).
	Driver string `yaml:"driver"`
	// PostgresURL is the libpq-style URL of the database for driver
	// postgres. It can hold a password: it is never logged nor repeated
	// in errors.
	PostgresURL summarize.Secret `yaml:"postgres_url"`
	// Lease is how long a claimed job stays with a node without a
	// progress report (postgres); after it, another node takes the job
	// back. Every node looks for lapsed leases every quarter lease.
	Lease time.Duration `yaml:"lease"`
}

// validate checks the driver and that postgres has its URL.
func (s StoreSection) validate() error {
	switch s.Driver {
	case StoreBolt:
		return nil
	case StorePostgres:
		if s.Lease <= 0 {
			return fmt.Errorf("config: store.lease: must be positive")
		}
		if s.PostgresURL == "" {
			return fmt.Errorf("config: store.postgres_url: must be set with store.driver postgres (or INSTANTTRANSCRIBER_STORE_POSTGRES_URL)")
		}
		return nil
	}
	return fmt.Errorf("config: store.driver: %q is not bbolt or postgres", s.Driver)
}

// NodeSection is the node: section: what this process runs, so that
// several nodes on one PostgreSQL database can split the API and the
// workers.
type NodeSection struct {
	// API serves the HTTP API.
	API bool `yaml:"api"`
	// Workers runs the worker pool (transcription and URL downloads).
	Workers bool `yaml:"workers"`
}
