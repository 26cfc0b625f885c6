package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// reporter persists one job's progress: at once on a stage change, and
// every ProgressInterval from its own goroutine otherwise. Every write
// returns the job's CancelRequested flag, so the periodic write is also how
// a cancel requested through the store reaches the job, even while the
// percentage stands still.
type reporter struct {
	p      *Pool
	id     string
	cancel context.CancelCauseFunc
	logger *slog.Logger

	// pct only rises; set is called from whisper's threads and must be
	// quick, so it only stores.
	pct atomic.Int64

	// mu serializes the writes, so they reach the store in order.
	mu    sync.Mutex
	stage string
}

func newReporter(p *Pool, id string, cancel context.CancelCauseFunc, logger *slog.Logger) *reporter {
	return &reporter{p: p, id: id, cancel: cancel, logger: logger}
}

// start runs the periodic writes until the returned stop is called (or ctx
// ends); stop waits for the goroutine, so no write follows the job's end.
func (r *reporter) start(ctx context.Context, every time.Duration) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
				r.flush()
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// set raises the overall progress to pct; it never lowers it.
func (r *reporter) set(pct int) {
	v := int64(pct)
	for {
		old := r.pct.Load()
		if v <= old || r.pct.CompareAndSwap(old, v) {
			return
		}
	}
}

// setStage enters a stage at pct and persists it now.
func (r *reporter) setStage(stage string, pct int) {
	r.set(pct)
	r.mu.Lock()
	r.stage = stage
	r.mu.Unlock()
	r.flush()
}

// flush writes the current stage and progress.
func (r *reporter) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stage == "" {
		return
	}
	cancelRequested, err := r.p.st.UpdateProgress(r.id, r.stage, int(r.pct.Load()))
	switch {
	case errors.Is(err, store.ErrNotProcessing):
		r.cancel(errLost)
	case err != nil:
		r.p.progressErrs.Fail(err, "job_id", r.id)
	default:
		r.p.progressErrs.Ok()
		if cancelRequested {
			r.cancel(errCanceled)
		}
	}
}
