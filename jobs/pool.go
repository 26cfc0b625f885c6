package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/retry"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Causes of a job context's cancellation, read with context.Cause.
var (
	// errCanceled: the user cancelled the job (Cancel, or CancelRequested).
	errCanceled = errors.New("worker: job canceled")
	// errShutdown: Stop ran out of grace.
	errShutdown = errors.New("worker: shutting down")
	// errLost: the store says the job is no longer processing here.
	errLost = errors.New("worker: job no longer processing")
)

// Pool runs queued jobs on a fixed number of workers. Build it with New,
// then Start and Stop it once.
type Pool struct {
	cfg        Config
	model      Model
	st         Store
	fetch      *http.Client
	deliveries store.DeliveryFunc
	logger     *slog.Logger
	now        func() time.Time
	post       []PostProcessor
	metrics    Metrics
	onClaim    func(store.Job)
	models     Models // nil: every job runs on model

	claimErrs      *retry.Log
	fetchClaimErrs *retry.Log // the download workers'
	progressErrs   *retry.Log

	// wake and wakeFetch hint that a job was created, to transcription and
	// download workers; the store holds the truth.
	wake      chan struct{}
	wakeFetch chan struct{}
	// states holds the Transcribers (whisper states) not in use.
	// Transcription workers take one for each job; download workers borrow
	// one once the audio is in.
	states chan Transcriber

	mu        sync.Mutex
	started   bool
	stopped   bool
	running   map[string]context.CancelCauseFunc
	stopClaim context.CancelFunc
	stopJobs  context.CancelCauseFunc
	done      chan struct{}
}

// New returns a pool that runs jobs from st on model (EngineModel of the
// loaded engine model in the service; with nil, Start fails). fetch is the
// client for URL imports; it should come from netguard.NewClient so that
// private addresses are refused. deliveries (delivery.Build in the service) builds
// the webhook delivery of a job with a callback URL: the store calls it
// with the job's final state inside the transaction that ends the job, in
// FinishJob and in RecoverOrphans; nil records none. logger nil means slog.Default().
func New(cfg Config, model Model, st Store, fetch *http.Client, deliveries store.DeliveryFunc, logger *slog.Logger, opts ...Option) *Pool {
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "worker")
	o := applyOptions(opts)
	return &Pool{
		cfg:            cfg.withDefaults(),
		model:          model,
		st:             st,
		fetch:          fetch,
		deliveries:     deliveries,
		logger:         logger,
		now:            o.now,
		post:           o.post,
		onClaim:        o.onClaim,
		metrics:        metricsOr(o.metrics),
		models:         o.models,
		claimErrs:      retry.NewLog(logger, "claim job failed", o.now),
		fetchClaimErrs: retry.NewLog(logger, "claim download failed", o.now),
		progressErrs:   retry.NewLog(logger, "update progress failed", o.now),
		wake:           make(chan struct{}, 1),
		wakeFetch:      make(chan struct{}, 1),
		running:        make(map[string]context.CancelCauseFunc),
		done:           make(chan struct{}),
	}
}

// Start settles the jobs a previous process left processing, then starts
// the workers: Workers transcription workers, which share as many
// engine.States, and DownloadWorkers download workers, which fetch URL
// imports without holding a State and borrow one once the audio is in, so
// a slow download never holds up a transcription. Cancelling ctx stops the
// workers from claiming more jobs, as Stop does, but lets running jobs
// finish: Stop owns the grace period and the requeueing. Start fails if
// there is no model, the orphans cannot be settled or a State cannot be
// allocated; nothing is left running then.
func (p *Pool) Start(ctx context.Context) error {
	if p.model == nil {
		return errors.New("worker: start: no model")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return errors.New("worker: start: already started")
	}

	requeued, finished, err := p.st.RecoverOrphans(p.deliveries)
	if err != nil {
		return fmt.Errorf("worker: start: %w", err)
	}
	for _, j := range requeued {
		p.logger.Warn("requeued job interrupted by the previous process", "job_id", j.ID, "attempt", j.Attempt, "max_attempts", j.MaxAttempts)
	}
	for _, j := range finished {
		p.logger.Warn("finished job interrupted by the previous process", "job_id", j.ID, "attempt", j.Attempt, "status", j.Status)
		p.metrics.JobFinished(string(j.Status), 0, 0)
		// As finish does: a finished job keeps its audio only when asked to.
		if !(p.cfg.RetainAudio || j.RetainAudio) && j.Source.AudioPath != "" {
			p.removeAudio(j.Source.AudioPath, p.logger.With("job_id", j.ID))
		}
	}

	states := make([]Transcriber, 0, p.cfg.Workers)
	for range p.cfg.Workers {
		s, err := p.model.NewTranscriber()
		if err != nil {
			for _, s := range states {
				_ = s.Close()
			}
			return fmt.Errorf("worker: start: %w", err)
		}
		states = append(states, s)
	}

	p.states = make(chan Transcriber, len(states))
	for _, s := range states {
		p.states <- s
	}

	claimCtx, stopClaim := context.WithCancel(ctx)
	jobsCtx, stopJobs := context.WithCancelCause(context.WithoutCancel(ctx))
	p.started, p.stopClaim, p.stopJobs = true, stopClaim, stopJobs
	p.metrics.SetWorkers(len(states))
	var wg sync.WaitGroup
	for i := range len(states) {
		wg.Go(func() { p.work(claimCtx, jobsCtx, i, store.ClaimAudio) })
	}
	for i := range p.cfg.DownloadWorkers {
		wg.Go(func() { p.work(claimCtx, jobsCtx, len(states)+i, store.ClaimFetch) })
	}
	go func() {
		wg.Wait()
		// Every borrower has given its State back.
		for range len(states) {
			_ = (<-p.states).Close()
		}
		close(p.done)
	}()
	p.logger.Info("worker pool started", "workers", p.cfg.Workers, "download_workers", p.cfg.DownloadWorkers,
		"threads_per_job", p.cfg.ThreadsPerJob, "requeued", len(requeued), "recovered_finished", len(finished))
	p.Notify()
	return nil
}

// Notify hints that a job was queued, so an idle worker looks at the queue
// now instead of at its next poll. It never blocks.
func (p *Pool) Notify() {
	for _, c := range []chan struct{}{p.wake, p.wakeFetch} {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Cancel aborts the job if it is running in this pool and reports whether
// it was. The job is then finished Canceled. The caller also records the
// request in the store (store.CancelJob), which is how a job that is not
// running here yet learns of it.
func (p *Pool) Cancel(jobID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	cancel, ok := p.running[jobID]
	if ok {
		cancel(errCanceled)
	}
	return ok
}

// Running returns the number of jobs being processed now.
func (p *Pool) Running() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.running)
}

// Stop stops claiming jobs and waits up to ShutdownGrace for the running
// ones to finish. Then it cancels those still running (whisper aborts within
// one graph computation) and requeues them with their attempt refunded, and
// waits for the workers to exit. If ctx ends first, Stop cancels at once,
// and returns ctx's error if the workers have still not exited; a job left
// processing then is recovered by the next Start. Stopping a pool that was
// never started, or twice, does nothing.
func (p *Pool) Stop(ctx context.Context) error {
	p.mu.Lock()
	if !p.started || p.stopped {
		p.mu.Unlock()
		return nil
	}
	p.stopped = true
	p.mu.Unlock()

	p.stopClaim()
	grace := time.NewTimer(p.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-p.done:
		p.logger.Info("worker pool stopped")
		return nil
	case <-grace.C:
	case <-ctx.Done():
	}
	p.logger.Warn("interrupting running jobs", "running", p.Running(), "grace", p.cfg.ShutdownGrace)
	p.stopJobs(errShutdown)
	select {
	case <-p.done:
		p.logger.Info("worker pool stopped")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("worker: stop: %d jobs still running: %w", p.Running(), ctx.Err())
	}
}

// work is one worker: claim the jobs f allows until there are none, then
// wait for the poll ticker or a Notify. A transcription worker
// (store.ClaimAudio) takes a State before each claim and gives it back
// after the job; a download worker (store.ClaimFetch) claims without one,
// and process borrows one once the audio is downloaded.
func (p *Pool) work(claimCtx, jobsCtx context.Context, id int, f store.ClaimFilter) {
	ticker := time.NewTicker(p.cfg.PollInterval)
	defer ticker.Stop()
	wakeHint, claimErrs := p.wake, p.claimErrs
	if f == store.ClaimFetch {
		wakeHint, claimErrs = p.wakeFetch, p.fetchClaimErrs
	}
	failures := 0
	for {
		for claimCtx.Err() == nil {
			var state Transcriber
			if f != store.ClaimFetch {
				select {
				case state = <-p.states:
				case <-claimCtx.Done():
					return
				}
			}
			job, err := p.st.Claim(f)
			if err != nil {
				p.giveState(state)
				if errors.Is(err, store.ErrNoJob) {
					claimErrs.Ok()
					failures = 0
				} else {
					failures = claimErrs.Fail(err, "worker", id)
				}
				break
			}
			claimErrs.Ok()
			failures = 0
			// Another idle worker may find more work.
			p.Notify()
			if p.onClaim != nil {
				p.onClaim(job)
			}
			p.metrics.JobStarted()
			p.run(jobsCtx, state, job, id)
			p.metrics.JobEnded()
			p.giveState(state)
		}
		wake := wakeHint
		if failures > 0 {
			// Back off from a failing store; hints do not cut it short.
			wake = nil
			ticker.Reset(retry.Backoff(p.cfg.PollInterval, failures))
		} else {
			ticker.Reset(p.cfg.PollInterval)
		}
		select {
		case <-claimCtx.Done():
			return
		case <-ticker.C:
		case <-wake:
		}
	}
}

// borrowState waits for a free State for a job a download worker has
// fetched; release gives it back. It fails with the job's cancellation
// cause if ctx ends first.
func (p *Pool) borrowState(ctx context.Context) (s Transcriber, release func(), err error) {
	select {
	case s = <-p.states:
		return s, func() { p.giveState(s) }, nil
	case <-ctx.Done():
		return nil, nil, context.Cause(ctx)
	}
}

// giveState returns a State taken from p.states; nil does nothing.
func (p *Pool) giveState(s Transcriber) {
	if s != nil {
		p.states <- s
	}
}

// track registers a running job's cancel function.
func (p *Pool) track(id string, cancel context.CancelCauseFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running[id] = cancel
}

func (p *Pool) untrack(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.running, id)
}

// Metrics is told what the pool does, for monitoring; *metrics.Jobs
// implements it. Its methods must be cheap and safe for concurrent use.
type Metrics interface {
	// SetWorkers records the number of workers when the pool starts.
	SetWorkers(n int)
	// JobStarted and JobEnded bracket each claimed job a worker runs.
	JobStarted()
	JobEnded()
	// JobFinished records a job the pool brought to a terminal status,
	// with how long its attempt ran and, when completed, its audio length.
	JobFinished(status string, elapsed, audio time.Duration)
}

// WithMetrics reports the pool's activity to m. A Janitor ignores it.
func WithMetrics(m Metrics) Option {
	return func(o *options) { o.metrics = m }
}

// metricsOr is m, or a Metrics that records nothing when m is nil.
func metricsOr(m Metrics) Metrics {
	if m == nil {
		return noMetrics{}
	}
	return m
}

type noMetrics struct{}

func (noMetrics) SetWorkers(int)                                   {}
func (noMetrics) JobStarted()                                      {}
func (noMetrics) JobEnded()                                        {}
func (noMetrics) JobFinished(string, time.Duration, time.Duration) {}
