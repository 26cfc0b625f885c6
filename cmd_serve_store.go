package main

import (
	"context"
	"github.com/instanttranscriber/instanttranscriber/config"
	"log/slog"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// openStore opens the store store.driver names: the bbolt file in the data
// directory, or the PostgreSQL database (migrated at open).
func openStore(ctx context.Context, cfg config.Config) (store.Backend, error) {
	if cfg.Store.Driver == config.StorePostgres {
		pg, err := store.OpenPostgres(ctx, cfg.Store.PostgresURL.Reveal(), store.PostgresOptions{Lease: cfg.Store.Lease})
		if err != nil {
			return nil, err
		}
		return sharedAudio{Postgres: pg, dir: cfg.AudioDir()}, nil
	}
	return store.Open(cfg.StorePath(), store.Options{})
}

// rescuer is the PostgreSQL counterpart of the recovery at start, with the
// LISTEN that wakes this node's pool and dispatcher: every node runs it, and RecoverOrphans takes only lapsed leases with SKIP
// LOCKED, so nodes share the work without electing anyone.
type rescuer struct {
	st         *store.Postgres
	pool       interface{ Notify() }
	dispatcher interface{ Notify() }
	logger     *slog.Logger
	every      time.Duration
	cancel     context.CancelFunc
	wg         sync.WaitGroup
}

func newRescuer(st *store.Postgres, lease time.Duration, pool, dispatcher interface{ Notify() }, logger *slog.Logger) *rescuer {
	return &rescuer{st: st, pool: pool, dispatcher: dispatcher, every: max(lease/4, time.Millisecond), logger: logger.With("component", "rescuer")}
}

// Start runs the loop, and the listener that wakes the pool and the
// dispatcher when another node queues work, until Stop.
func (r *rescuer) Start(ctx context.Context) error {
	ctx, r.cancel = context.WithCancel(context.WithoutCancel(ctx))
	r.wg.Go(func() { r.st.Listen(ctx, r.pool.Notify, r.dispatcher.Notify) })
	r.wg.Go(func() {
		// A quarter lease: a dead node's job waits at most 1.25 leases.
		t := time.NewTicker(r.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			requeued, finished, err := r.st.RecoverOrphans(delivery.Build)
			if err != nil {
				r.logger.Warn("rescue failed", "err", err)
				continue
			}
			for _, j := range requeued {
				r.logger.Warn("rescued a job whose node stopped answering", "job_id", j.ID, "attempt", j.Attempt)
			}
			for _, j := range finished {
				r.logger.Warn("ended a job whose node stopped answering", "job_id", j.ID, "status", j.Status)
			}
			if len(requeued) > 0 {
				r.pool.Notify()
			}
			if len(finished) > 0 {
				r.dispatcher.Notify()
			}
		}
	})
	return nil
}

// Stop ends the loop.
func (r *rescuer) Stop(context.Context) error {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
	return nil
}
