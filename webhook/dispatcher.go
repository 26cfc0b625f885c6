package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/retry"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// errShutdown is the cause of the attempts' context when Stop runs out of
// grace.
var errShutdown = errors.New("webhook: shutting down")

// recordRetryDelay is how long a delivery whose attempt could not be
// recorded is left alone, so that a failing store does not turn into a flood
// of requests to the receiver.
const recordRetryDelay = time.Minute

// Dispatcher sends the webhook outbox: it finds due deliveries in the store,
// POSTs them signed to their receivers and records every attempt. Build it
// with New, then Start and Stop it once.
type Dispatcher struct {
	cfg       Config
	st        Store
	client    *http.Client
	logger    *slog.Logger
	now       func() time.Time
	metrics   Metrics
	signer    *delivery.Signer
	userAgent string
	scanErrs  *retry.Log

	randMu sync.Mutex
	rand   func() float64

	// wake is the hint that a delivery may be due; the store holds the truth.
	wake chan struct{}
	// work carries deliveries from the loop to the workers. Its capacity is
	// Workers and the loop sends only while fewer than Workers deliveries
	// are in flight, so a send never blocks.
	work chan task
	// quit is closed by Stop: workers start no new attempt after it.
	quit chan struct{}

	// freed is the hint that an attempt ended: a worker and a host slot
	// are free.
	freed chan struct{}

	mu        sync.Mutex
	started   bool
	stopped   bool
	inflight  map[string]bool      // delivery IDs handed to a worker
	hosts     map[string]int       // attempts in flight per host:port
	held      map[string]time.Time // delivery ID -> not before (real time)
	hostCache map[string]string    // callback URL -> host:port
	// ahead holds, per host, due entries that the last full walk of the
	// outbox could not send because the host was at PerHost, so that a
	// freed slot is refilled without walking the outbox again. overflow
	// marks hosts that had more than aheadPerHost such entries; cut means
	// the walk stopped early because every worker was busy.
	ahead    map[string][]store.DueEntry
	overflow map[string]bool
	cut      bool

	stopLoop     context.CancelFunc
	stopAttempts context.CancelCauseFunc
	loopDone     chan struct{}
	workersDone  chan struct{}
}

// task is one delivery handed to a worker.
type task struct {
	d    store.Delivery
	host string
}

// Option customises a Dispatcher.
type Option func(*options)

type options struct {
	now     func() time.Time
	rand    func() float64
	metrics Metrics
	signer  *delivery.Signer
}

// Metrics counts the dispatcher's attempts, for monitoring;
// *metrics.Webhooks implements it. It must be cheap and safe for concurrent
// use.
type Metrics interface {
	// WebhookAttempt counts one recorded attempt: "delivered", "retry"
	// (failed, still pending) or "failed" (given up).
	WebhookAttempt(result string)
}

// WithSigner signs the download URLs of a completed job's event each time
// it is sent (see delivery.Signer.Body), so that a retry or a redelivery
// after download_url_ttl still carries links that work. Without it every
// payload is sent as stored.
func WithSigner(s *delivery.Signer) Option {
	return func(o *options) { o.signer = s }
}

// WithMetrics reports every recorded attempt to m.
func WithMetrics(m Metrics) Option {
	return func(o *options) { o.metrics = m }
}

type noMetrics struct{}

func (noMetrics) WebhookAttempt(string) {}

// WithClock makes the Dispatcher read the time from now: due times,
// webhook-timestamp, attempt times and retry times. Tests inject a clock
// they advance; the store should use the same one.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithRand sets the source of jitter: r returns a number in [0, 1), 0.5
// meaning no jitter. The Dispatcher serialises its calls.
func WithRand(r func() float64) Option {
	return func(o *options) { o.rand = r }
}

// New returns a dispatcher for the deliveries in st. client should come
// from netguard.NewClient, so that every connection is checked against
// private addresses; the dispatcher uses a copy that never follows redirects
// (a 3xx answer is a failed attempt). nil means netguard.NewClient with its
// defaults. logger nil means slog.Default(). An invalid cfg is reported by
// Start.
func New(cfg Config, st Store, client *http.Client, logger *slog.Logger, opts ...Option) *Dispatcher {
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "webhook")
	o := options{now: time.Now, rand: rand.Float64}
	for _, opt := range opts {
		opt(&o)
	}
	if o.metrics == nil {
		o.metrics = noMetrics{}
	}
	if client == nil {
		client = netguard.NewClient(netguard.DefaultConfig())
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg = cfg.withDefaults()
	return &Dispatcher{
		cfg:         cfg,
		st:          st,
		client:      &c,
		logger:      logger,
		now:         o.now,
		rand:        o.rand,
		metrics:     o.metrics,
		signer:      o.signer,
		userAgent:   "InstantTranscriber-Webhook/" + cfg.UserAgentVersion,
		scanErrs:    retry.NewLog(logger, "scan webhook outbox failed", o.now),
		wake:        make(chan struct{}, 1),
		freed:       make(chan struct{}, 1),
		work:        make(chan task, cfg.Workers),
		quit:        make(chan struct{}),
		inflight:    make(map[string]bool),
		hosts:       make(map[string]int),
		held:        make(map[string]time.Time),
		hostCache:   make(map[string]string),
		loopDone:    make(chan struct{}),
		workersDone: make(chan struct{}),
	}
}

// Start starts the scanning loop and the workers. Cancelling ctx stops the
// scanning, as Stop does, but lets attempts in flight finish: Stop owns the
// grace period. Start fails if the Dispatcher was started before.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started {
		return errors.New("webhook: start: already started")
	}
	d.started = true
	loopCtx, stopLoop := context.WithCancel(ctx)
	attemptCtx, stopAttempts := context.WithCancelCause(context.WithoutCancel(ctx))
	d.stopLoop, d.stopAttempts = stopLoop, stopAttempts
	var wg sync.WaitGroup
	for range d.cfg.Workers {
		wg.Go(func() {
			for t := range d.work {
				d.attempt(attemptCtx, t)
			}
		})
	}
	go func() {
		wg.Wait()
		close(d.workersDone)
	}()
	go d.loop(loopCtx)
	d.logger.Info("webhook dispatcher started", "workers", d.cfg.Workers, "per_host", d.cfg.PerHost,
		"attempts", len(d.cfg.Schedule), "timeout", d.cfg.Timeout)
	return nil
}

// Notify hints that a delivery was just written or redelivered, so the
// outbox is scanned now instead of at the next poll. It never blocks.
func (d *Dispatcher) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// InFlight returns the number of attempts in flight.
func (d *Dispatcher) InFlight() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.inflight)
}

// Stop stops scanning and waits up to ShutdownGrace for the attempts in
// flight. Then it abandons those still running: their requests are
// cancelled and nothing is recorded, so the deliveries stay pending and are
// sent again by the next Start (at-least-once). Stop returns when the
// workers have exited, or with ctx's error if ctx ends first. Stopping a
// dispatcher that was never started, or twice, does nothing.
func (d *Dispatcher) Stop(ctx context.Context) error {
	d.mu.Lock()
	if !d.started || d.stopped {
		d.mu.Unlock()
		return nil
	}
	d.stopped = true
	d.mu.Unlock()

	d.stopLoop()
	close(d.quit)
	grace := time.NewTimer(d.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-d.workersDone:
		d.logger.Info("webhook dispatcher stopped")
		return nil
	case <-grace.C:
	case <-ctx.Done():
	}
	d.logger.Warn("abandoning webhook attempts in flight; they stay pending", "in_flight", d.InFlight(), "grace", d.cfg.ShutdownGrace)
	d.stopAttempts(errShutdown)
	select {
	case <-d.workersDone:
		d.logger.Info("webhook dispatcher stopped")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("webhook: stop: %d attempts still in flight: %w", d.InFlight(), ctx.Err())
	}
}

// jitter spreads delay over ±Jitter of itself.
func (d *Dispatcher) jitter(delay time.Duration) time.Duration {
	if d.cfg.Jitter == 0 || delay <= 0 {
		return delay
	}
	d.randMu.Lock()
	r := d.rand()
	d.randMu.Unlock()
	return time.Duration(float64(delay) * (1 + d.cfg.Jitter*(2*r-1)))
}
