package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Stages a worker reports through UpdateProgress.
const (
	StageDownloading    = "downloading"
	StageDecoding       = "decoding"
	StageTranscribing   = "transcribing"
	StagePostProcessing = "post_processing"
)

// Overall progress, in percent, at which each stage starts; transcribing
// spans progressTranscribe to progressPost.
const (
	progressDecode     = 2
	progressTranscribe = 5
	progressPost       = 95
)

// result is what a successful job produced.
type result struct {
	transcript []byte
	language   string
	duration   time.Duration
}

// run processes one claimed job and settles it in the store. It never
// panics: a panic in the job becomes a failure.
func (p *Pool) run(parent context.Context, state Transcriber, job store.Job, worker int) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	logger := p.logger.With("job_id", job.ID, "attempt", job.Attempt, "worker", worker)
	p.track(job.ID, cancel)
	defer p.untrack(job.ID)
	started := p.now()
	logger.Info("job started", "key_id", job.KeyID, "url_import", job.Source.URL != "" && job.Source.AudioPath == "")

	defer func() {
		// Last resort: settling the job itself panicked (a DeliveryFunc, a
		// store bug). Record a failure without a delivery.
		if v := recover(); v != nil {
			logger.Error("panic while finishing job", "panic", v, "stack", string(debug.Stack()))
			_, err := p.st.FinishJob(job.ID, store.Outcome{Status: store.Failed, Error: &store.JobError{Code: failure.Internal, Message: internalError(nil).Message}})
			if err != nil {
				logger.Error("finish job failed", "err", err)
			}
		}
	}()

	rep := newReporter(p, job.ID, cancel, logger)
	stopReports := rep.start(ctx, p.cfg.ProgressInterval)
	res, err := p.safeProcess(ctx, state, &job, rep, logger)
	stopReports()
	p.settle(ctx, job, res, err, logger, started)
}

// safeProcess is process with a panic turned into an internal error.
func (p *Pool) safeProcess(ctx context.Context, state Transcriber, job *store.Job, rep *reporter, logger *slog.Logger) (res *result, err error) {
	defer func() {
		if v := recover(); v != nil {
			logger.Error("job panicked", "panic", v, "stack", string(debug.Stack()))
			res, err = nil, internalError(fmt.Errorf("panic: %v", v))
		}
	}()
	return p.process(ctx, state, job, rep, logger)
}

// process runs the stages of a job. job is updated as the store is (the
// downloaded audio), so that settle sees the file to remove.
func (p *Pool) process(ctx context.Context, state Transcriber, job *store.Job, rep *reporter, logger *slog.Logger) (*result, error) {
	if job.CancelRequested {
		// Cancelled while it waited after an interrupted attempt.
		rep.cancel(errCanceled)
		return nil, context.Cause(ctx)
	}
	if job.Source.URL != "" && job.Source.AudioPath == "" {
		rep.setStage(StageDownloading, 0)
		if err := p.download(ctx, job, logger); err != nil {
			return nil, err
		}
		if state == nil {
			// A download worker: transcribe on a State borrowed from the
			// transcription workers, waiting for one to be free.
			s, release, err := p.borrowState(ctx)
			if err != nil {
				return nil, err
			}
			defer release()
			state = s
		}
	}
	if job.Source.AudioPath == "" {
		return nil, &Error{Code: failure.AudioMissing, Message: "the job has no audio", Err: errors.New("job has neither an audio path nor a url")}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	rep.setStage(StageDecoding, progressDecode)
	// The samples go to a mapped temporary file beside the audio, so a
	// long recording costs page cache rather than heap; whisper's windows
	// drop their pages as they finish.
	pcm, err := audio.DecodeFileTo(ctx, job.Source.AudioPath, p.cfg.AudioDir, audio.Options{MaxDuration: p.cfg.MaxAudioDuration})
	if err != nil {
		return nil, err
	}
	defer pcm.Close()
	if pcm.Truncated {
		logger.Warn("audio ends early; transcribing the complete part", "format", pcm.Format)
	}

	rep.setStage(StageTranscribing, progressTranscribe)
	state, releaseModel, err := p.modelState(ctx, state, job.Options.Model)
	if err != nil {
		return nil, err
	}
	defer releaseModel()
	t, err := state.Transcribe(ctx, pcm.Samples, engine.Options{
		Language:        job.Options.Language,
		Translate:       job.Options.Translate,
		InitialPrompt:   job.Options.Prompt,
		Vocabulary:      job.Options.Vocabulary,
		BeamSize:        p.cfg.BeamSize,
		BestOf:          p.cfg.BestOf,
		Threads:         p.cfg.ThreadsPerJob,
		TokenTimestamps: true,
		VAD:             p.cfg.VAD,
		VADModelPath:    p.cfg.VADModelPath,
		ChunkLength:     p.cfg.ChunkLength,
		Release:         pcm.Release,
		Progress: func(pct int) {
			rep.set(progressTranscribe + pct*(progressPost-progressTranscribe)/100)
		},
	})
	if err != nil {
		return nil, err
	}

	if err := p.postProcess(ctx, *job, t, Audio{Samples: pcm.Samples, Release: pcm.Release}, rep); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	if err := export.Write(&buf, t, export.JSON, export.CaptionOptions{}); err != nil {
		return nil, internalError(err)
	}
	return &result{transcript: buf.Bytes(), language: t.Language, duration: pcm.Duration()}, nil
}

// postProcess runs, in order, the post-processors the job asked for, each
// under its own stage; progress climbs from progressPost towards 100.
func (p *Pool) postProcess(ctx context.Context, job store.Job, t *transcript.Transcript, audio Audio, rep *reporter) error {
	var run []PostProcessor
	for _, pp := range p.post {
		if pp.Stage(job) != "" {
			run = append(run, pp)
		}
	}
	for i, pp := range run {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.setStage(pp.Stage(job), progressPost+i*(100-progressPost)/len(run))
		if err := pp.Process(ctx, job, t, audio); err != nil {
			if ctx.Err() != nil {
				return err
			}
			var e *Error
			if errors.As(err, &e) {
				return e
			}
			return &Error{Code: failure.PostProcessing, Message: pp.Name() + " failed", Err: fmt.Errorf("post-processor %s: %w", pp.Name(), err)}
		}
	}
	return nil
}
