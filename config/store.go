package config

import (
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

func defaultStore() StoreSection {
	return StoreSection{Driver: StoreBolt, Lease: time.Minute}
}

// check: the driver is known, postgres has its URL and a lease that
// progress reports (every progressInterval) renew at least twice: with
// fewer, one late report hands a running job to another node.
func (s StoreSection) check(p *problems, progressInterval time.Duration) {
	switch s.Driver {
	case StoreBolt:
	case StorePostgres:
		if s.PostgresURL == "" {
			p.add("store.postgres_url", "must be set with store.driver postgres (or INSTANTTRANSCRIBER_STORE_POSTGRES_URL)")
		}
		if s.Lease <= 0 {
			p.positive("store.lease", s.Lease)
		} else if s.Lease < 2*progressInterval {
			p.add("store.lease", "%s is under twice worker.progress_interval (%s)", s.Lease, progressInterval)
		}
	default:
		p.add("store.driver", "%q is not bbolt or postgres", s.Driver)
	}
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

func defaultNode() NodeSection {
	return NodeSection{API: true, Workers: true}
}

// check: a node runs the API, the workers or both.
func (s NodeSection) check(p *problems) {
	if !s.API && !s.Workers {
		p.add("node", "api and workers are both false: the node would do nothing")
	}
}
