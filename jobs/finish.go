package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// settle writes the end of one attempt: requeue on shutdown, Canceled,
// Failed or Completed. The audio file is removed only after FinishJob has
// committed.
func (p *Pool) settle(ctx context.Context, job store.Job, res *result, err error, logger *slog.Logger, started time.Time) {
	elapsed := p.now().Sub(started).Round(time.Millisecond)
	if errors.Is(err, errLost) {
		logger.Warn("job was taken from this worker; dropping the attempt", "elapsed", elapsed, "err", err)
		return
	}
	if err != nil && ctx.Err() != nil {
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errShutdown):
			if err := p.st.RequeueJob(job.ID, "shutdown", true); err != nil {
				logger.Error("requeue interrupted job failed; the next start recovers it", "err", err)
				return
			}
			logger.Info("job interrupted by shutdown and requeued", "elapsed", elapsed)
			return
		case errors.Is(cause, errLost):
			logger.Warn("job was taken from this worker; dropping the attempt", "elapsed", elapsed)
			return
		case errors.Is(cause, errCanceled):
			p.finish(job, store.Outcome{Status: store.Canceled}, logger, elapsed)
			return
		}
	}
	if err != nil {
		f := p.classify(err)
		level := slog.LevelWarn
		if f.Code == failure.Internal {
			level = slog.LevelError
		}
		logger.Log(context.Background(), level, "job failed", "code", f.Code, "err", redactErr(err))
		p.finish(job, store.Outcome{Status: store.Failed, Error: &store.JobError{Code: f.Code, Message: f.Message}}, logger, elapsed)
		return
	}
	p.finish(job, store.Outcome{
		Status:        store.Completed,
		Transcript:    res.transcript,
		Language:      res.language,
		AudioDuration: res.duration,
		ChargeSeconds: res.duration.Seconds(),
	}, logger, elapsed)
}

// finish completes out with the audio clean-up and the webhook delivery
// builder, which the store calls with the final job, and calls FinishJob,
// then removes the audio file.
func (p *Pool) finish(job store.Job, out store.Outcome, logger *slog.Logger, elapsed time.Duration) {
	out.ClearAudio = !(p.cfg.RetainAudio || job.RetainAudio)
	out.Deliver = p.deliveries
	final, err := p.st.FinishJob(job.ID, out)
	if errors.Is(err, store.ErrNotProcessing) {
		logger.Warn("job was no longer processing; result dropped", "status", out.Status, "err", err)
		return
	}
	if err != nil {
		logger.Error("finish job failed; the job stays processing until the next start recovers it", "status", out.Status, "err", err)
		return
	}
	p.metrics.JobFinished(string(final.Status), elapsed, final.AudioDuration)
	if out.ClearAudio && job.Source.AudioPath != "" {
		p.removeAudio(job.Source.AudioPath, logger)
	}
	args := []any{"status", final.Status, "elapsed", elapsed}
	if final.Status == store.Completed {
		args = append(args, "audio_seconds", final.AudioDuration.Seconds(), "language", final.Language)
	}
	logger.Info("job finished", args...)
}
