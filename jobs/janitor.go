package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/audiofile"
	"github.com/instanttranscriber/instanttranscriber/retry"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// DefaultJanitorInterval is how often the janitor runs when
// JanitorConfig.Interval is zero.
const DefaultJanitorInterval = time.Hour

// janitorBatch is how many jobs one ExpireJobs transaction deletes, so that
// a large backlog does not hold the write lock for long.
const janitorBatch = 100

// staleTempAge is how long a temporary file in the audio directory must
// have been left alone before Start removes it: a file being written now
// is younger.
const staleTempAge = 10 * time.Minute

// JanitorConfig configures the retention janitor.
type JanitorConfig struct {
	// RetentionDays is how long finished jobs (with their transcripts and
	// audio) are kept after they end; 0 keeps them forever.
	RetentionDays int
	// Interval is how often expired jobs are looked for; 0 means
	// DefaultJanitorInterval.
	Interval time.Duration
	// AudioDir is the audio directory, as in Config.
	AudioDir string
}

// Expirer is what the janitor needs from the store; *store.Store satisfies
// it.
type Expirer interface {
	// ExpireJobs deletes up to limit terminal jobs that ended before before
	// and returns them.
	ExpireJobs(before time.Time, limit int) ([]store.Job, error)
	// GetJob reads a job, for the orphaned-audio sweep.
	GetJob(id string) (store.Job, error)
}

var _ Expirer = (*store.Store)(nil)

// Janitor deletes terminal jobs older than the retention period, with their
// audio files. Build it with NewJanitor, then Start and Stop it once.
type Janitor struct {
	cfg    JanitorConfig
	st     Expirer
	logger *slog.Logger
	now    func() time.Time
	errs   *retry.Log
	// batch is the ExpireJobs limit; janitorBatch outside tests.
	batch int

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewJanitor returns a janitor for st. logger nil means slog.Default(); of
// the options only WithClock applies.
func NewJanitor(cfg JanitorConfig, st Expirer, logger *slog.Logger, opts ...Option) *Janitor {
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "janitor")
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultJanitorInterval
	}
	o := applyOptions(opts)
	return &Janitor{cfg: cfg, st: st, logger: logger, now: o.now, errs: retry.NewLog(logger, "expire jobs failed", o.now), batch: janitorBatch}
}

// Start removes temporary files and orphaned audio a crash left in
// AudioDir, then, when a retention period is set, expires jobs now and every
// Interval until Stop or the end of ctx. Start it before the worker pool
// and the HTTP server take work, so no upload is in flight during the sweep.
func (j *Janitor) Start(ctx context.Context) error {
	if j.cfg.RetentionDays < 0 {
		return fmt.Errorf("worker: janitor: retention_days %d is negative", j.cfg.RetentionDays)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.done != nil {
		return errors.New("worker: janitor: already started")
	}
	j.removeStaleTemps()
	j.removeOrphanAudio()
	ctx, cancel := context.WithCancel(ctx)
	j.cancel, j.done = cancel, make(chan struct{})
	if j.cfg.RetentionDays == 0 {
		j.logger.Info("retention off: finished jobs are kept forever")
		close(j.done)
		return nil
	}
	go j.loop(ctx)
	return nil
}

// Stop ends the loop and waits for a running pass to end, or for ctx.
func (j *Janitor) Stop(ctx context.Context) error {
	j.mu.Lock()
	cancel, done := j.cancel, j.done
	j.mu.Unlock()
	if done == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("worker: janitor: stop: %w", ctx.Err())
	}
}

func (j *Janitor) loop(ctx context.Context) {
	defer close(j.done)
	ticker := time.NewTicker(j.cfg.Interval)
	defer ticker.Stop()
	for {
		j.expire(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// expire deletes the jobs that ended before the retention cut-off, batch by
// batch, and their audio files.
func (j *Janitor) expire(ctx context.Context) {
	before := j.now().Add(-time.Duration(j.cfg.RetentionDays) * 24 * time.Hour)
	total := 0
	for ctx.Err() == nil {
		jobs, err := j.st.ExpireJobs(before, j.batch)
		if err != nil {
			// The next tick retries; errs keeps the log quiet meanwhile.
			j.errs.Fail(err)
			break
		}
		j.errs.Ok()
		for _, job := range jobs {
			if job.Source.AudioPath != "" {
				removeAudio(j.cfg.AudioDir, job.Source.AudioPath, j.logger.With("job_id", job.ID))
			}
		}
		total += len(jobs)
		if len(jobs) < j.batch {
			break
		}
	}
	if total > 0 {
		j.logger.Info("expired finished jobs", "jobs", total, "before", before)
	}
}

// removeStaleTemps deletes *.tmp files in AudioDir not modified for
// staleTempAge: partial uploads and downloads of a process that crashed.
func (j *Janitor) removeStaleTemps() {
	cutoff := j.now().Add(-staleTempAge)
	err := j.sweepAudioDir("remove stale temporary file failed", "removed stale temporary files", func(e os.DirEntry, _ string) bool {
		if !audiofile.IsTemp(e.Name()) {
			return false
		}
		info, err := e.Info()
		return err == nil && info.ModTime().Before(cutoff)
	})
	if err != nil {
		j.logger.Warn("read audio directory failed", "dir", j.cfg.AudioDir, "err", err)
	}
}

// removeOrphanAudio deletes <id>.audio files that no job needs: the job does
// not exist (the process died between saving an upload and committing its
// job) or it ended and its audio was not retained (it died between the
// final commit and the deletion).
func (j *Janitor) removeOrphanAudio() {
	_ = j.sweepAudioDir("remove orphaned audio failed", "removed orphaned audio files", func(e os.DirEntry, path string) bool {
		id, ok := audiofile.JobID(e.Name())
		if !ok {
			return false
		}
		job, err := j.st.GetJob(id)
		switch {
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrInvalid):
			return true
		case err != nil:
			j.logger.Warn("orphaned audio sweep: read job failed", "job_id", id, "err", err)
			return false
		}
		return job.Status.Terminal() && job.Source.AudioPath != path && !job.RetainAudio
	})
}

// sweepAudioDir removes the regular files of AudioDir (its path joined to
// the name) that doomed picks, then logs how many with removed; a removal
// that fails is logged with failed and skipped. It does nothing without an
// AudioDir, and returns the error of reading the directory.
func (j *Janitor) sweepAudioDir(failed, removed string, doomed func(e os.DirEntry, path string) bool) error {
	if j.cfg.AudioDir == "" {
		return nil
	}
	entries, err := os.ReadDir(j.cfg.AudioDir)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		path := filepath.Join(j.cfg.AudioDir, e.Name())
		if !e.Type().IsRegular() || !doomed(e, path) {
			continue
		}
		if err := os.Remove(path); err != nil {
			j.logger.Warn(failed, "path", path, "err", err)
			continue
		}
		n++
	}
	if n > 0 {
		j.logger.Info(removed, "files", n)
	}
	return nil
}
