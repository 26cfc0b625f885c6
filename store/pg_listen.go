package store

import (
	"context"
	"time"
)

// listenRetry is the pause before Listen connects again after losing its
// connection.
const listenRetry = time.Second

// Listen wakes this node when another one (or this one) queues work: it
// calls onJobs when a job is queued or requeued and onOutbox when a
// delivery becomes due, as their transactions commit (LISTEN/NOTIFY). It
// holds one connection of the pool until ctx ends, connecting again after
// an outage, after which it calls both, since notifications sent meanwhile
// were lost. The wake-ups are hints: the callers still poll, slowly.
func (p *Postgres) Listen(ctx context.Context, onJobs, onOutbox func()) {
	first := true
	for ctx.Err() == nil {
		p.listenOnce(ctx, onJobs, onOutbox, !first)
		first = false
		select {
		case <-ctx.Done():
		case <-time.After(listenRetry):
		}
	}
}

// listenOnce listens on one connection until it fails or ctx ends.
func (p *Postgres) listenOnce(ctx context.Context, onJobs, onOutbox func(), reconnected bool) {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return
	}
	// A connection that listened goes back to no pool: close it.
	defer func() { _ = conn.Hijack().Close(context.Background()) }()
	for _, ch := range []string{jobsChannel, outboxChannel} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return
		}
	}
	if reconnected {
		onJobs()
		onOutbox()
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return
		}
		switch n.Channel {
		case jobsChannel:
			onJobs()
		case outboxChannel:
			onOutbox()
		}
	}
}
