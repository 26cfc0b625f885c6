package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of PostgresOptions.
const (
	DefaultLease        = time.Minute
	DefaultQueryTimeout = 30 * time.Second
)

// Notification channels: CreateJob and every requeue notify jobsChannel,
// every delivery that becomes due notifies outboxChannel, when their
// transaction commits.
const (
	jobsChannel   = "instanttranscriber_jobs"
	outboxChannel = "instanttranscriber_outbox"
)

// PostgresOptions configures OpenPostgres.
type PostgresOptions struct {
	// Now is the clock; time.Now when nil. Tests inject a fake one.
	Now func() time.Time
	// Lease is how long a claimed job stays with its worker without a
	// write (a progress report renews it); once it lapses, RecoverOrphans
	// on any node takes the job back. DefaultLease when zero.
	Lease time.Duration
	// QueryTimeout bounds each method's transaction; DefaultQueryTimeout
	// when zero.
	QueryTimeout time.Duration
	// MaxConns caps the connection pool; pgxpool's default when zero.
	MaxConns int32
}

// Postgres is the store on a PostgreSQL database that several nodes share.
// It implements Backend with the bbolt store's contracts; what differs is
// in doc.go ("PostgreSQL"). It is safe for concurrent use.
type Postgres struct {
	pool    *pgxpool.Pool
	clock   func() time.Time
	lease   time.Duration
	timeout time.Duration
	// syncTurn says that this node's next claim tries the synchronous
	// jobs first; each claim hands the turn to the other queue.
	syncTurn atomic.Bool
	// keyTurn is, per queue (synchronous or not), the API key this node's
	// last claim served, so that claims go round-robin over keys.
	turnMu  sync.Mutex
	keyTurn [2]string
	// claims fences this node's workers: the attempt each job it claimed
	// had then. A write for a job that another node has claimed since
	// (its Attempt moved on) is ErrNotProcessing.
	claims sync.Map // job ID -> attempt
}

var _ Backend = (*Postgres)(nil)

// ErrPostgresURL means the PostgreSQL URL could not be parsed. The error
// never repeats the URL, which can hold a password.
var ErrPostgresURL = errors.New("invalid postgres_url")

// OpenPostgres connects to the database at url (a libpq-style URL or
// key=value string) and applies the migrations it lacks, under a lock so
// that nodes starting together do not collide.
func OpenPostgres(ctx context.Context, url string, opts PostgresOptions) (*Postgres, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = DefaultQueryTimeout
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", ErrPostgresURL)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", redact(err))
	}
	if _, err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: open postgres: %w", redact(err))
	}
	return &Postgres{pool: pool, clock: opts.Now, lease: opts.Lease, timeout: opts.QueryTimeout}, nil
}

// redact keeps a connection error's reason and drops the connection
// details pgconn puts in front of it (host, user, database).
func redact(err error) error {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return fmt.Errorf("connect to postgres: %w", ce.Unwrap())
	}
	return err
}

// Close closes the connection pool.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}

// Pool is the connection pool, for the metrics of /readyz and /metrics.
func (p *Postgres) Pool() *pgxpool.Pool { return p.pool }

// now reads the clock in UTC, truncated to PostgreSQL's microseconds so
// that a time read back from a column equals the one written.
func (p *Postgres) now() time.Time {
	return p.clock().UTC().Truncate(time.Microsecond)
}

// pgtx is one transaction with the record helpers, like txn for bbolt.
type pgtx struct {
	ctx      context.Context
	tx       pgx.Tx
	p        *Postgres
	notified map[string]bool
}

// update runs fn in one read-committed transaction, committed when fn
// returns nil.
func (p *Postgres) update(fn func(*pgtx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	return p.updateCtx(ctx, fn)
}

// updateCtx is update bounded by ctx instead of the query timeout.
func (p *Postgres) updateCtx(ctx context.Context, fn func(*pgtx) error) error {
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		return fn(&pgtx{ctx: ctx, tx: tx, p: p})
	})
	if unreachable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, redact(err))
	}
	return err
}

// unreachable reports an error that says the database is out of reach
// rather than that the statement was wrong: connection failures and losses,
// timeouts, and the server's shutdown and start-up codes (classes 08, 57P).
func unreachable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded)
}

// notify wakes the listeners of channel when the transaction commits, once
// per transaction.
func (t *pgtx) notify(channel string) error {
	if t.notified[channel] {
		return nil
	}
	if t.notified == nil {
		t.notified = map[string]bool{}
	}
	t.notified[channel] = true
	_, err := t.tx.Exec(t.ctx, "SELECT pg_notify($1, '')", channel)
	return err
}

// lockKey takes a transaction advisory lock on an API key's admissions, so
// that the quota and queue checks and the writes they allow are serialised
// per key across nodes.
func (t *pgtx) lockKey(keyID string) error {
	_, err := t.tx.Exec(t.ctx, "SELECT pg_advisory_xact_lock(hashtextextended('instanttranscriber.key/' || $1, 0))", keyID)
	return err
}

// Sweep locks: the housekeeping that every node runs, one node at a time.
const (
	SweepRescue = "instanttranscriber.rescue"
	SweepExpire = "instanttranscriber.expire"
)

// trySweep takes the transaction advisory lock of a sweep; false when
// another node holds it, which is then doing the same work.
func (t *pgtx) trySweep(name string) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(t.ctx, "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))", name).Scan(&ok)
	return ok, err
}

// isUniqueViolation reports a unique constraint's error.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Ping checks that the database answers and commits.
func (p *Postgres) Ping() error {
	err := p.update(func(t *pgtx) error {
		var v int
		return t.tx.QueryRow(t.ctx, "SELECT COALESCE(max(version), 0) FROM schema_migrations").Scan(&v)
	})
	if err != nil {
		return fmt.Errorf("store: ping: %w", redact(err))
	}
	return nil
}

// PoolStats are the connection pool's figures, for /metrics.
type PoolStats struct {
	// Total, Idle and InUse count the open connections; Max is the cap.
	Total, Idle, InUse, Max int32
	// Acquires counts the connections handed out, AcquireWait the time
	// callers waited for them in all.
	Acquires    int64
	AcquireWait time.Duration
}

// PoolStats reads the pool's figures.
func (p *Postgres) PoolStats() PoolStats {
	s := p.pool.Stat()
	return PoolStats{Total: s.TotalConns(), Idle: s.IdleConns(), InUse: s.AcquiredConns(), Max: s.MaxConns(),
		Acquires: s.AcquireCount(), AcquireWait: s.AcquireDuration()}
}
