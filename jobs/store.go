package jobs

import (
	"context"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Store is what the pool needs from the job store; *store.Store satisfies
// it. Every write after Claim applies only while the job is still
// processing and otherwise fails with store.ErrNotProcessing.
type Store interface {
	// RecoverOrphans settles the jobs a previous process left processing.
	RecoverOrphans(build store.DeliveryFunc) (requeued, finished []store.Job, err error)
	// Claim takes the next queued job the filter allows, or fails with
	// store.ErrNoJob.
	Claim(f store.ClaimFilter) (store.Job, error)
	// UpdateProgress records the stage and percentage and reports whether
	// the job's cancellation was requested.
	UpdateProgress(id string, stage string, progress int) (cancelRequested bool, err error)
	// SetAudio records the audio file a URL import was downloaded to.
	SetAudio(id string, src store.Source, duration time.Duration) error
	// FinishJob writes the job's terminal state.
	FinishJob(id string, out store.Outcome) (store.Job, error)
	// RequeueJob hands a job back to the queue.
	RequeueJob(id string, reason string, refundAttempt bool) error
	// ReserveAudio reserves a URL import's downloaded length against its
	// key's monthly quota, or fails with a *store.QuotaError.
	ReserveAudio(id string, d time.Duration) error
}

var _ Store = (*store.Store)(nil)

// PostProcessor adds to a transcript after whisper, such as speaker labels
// or a summary. The pool runs its post-processors in order, at stage
// "post_processing", on the transcript it then stores.
//
// Process may change t in place. It should return promptly when ctx is
// cancelled. An error fails the job: return an *Error to choose the code
// and the message the user sees; any other error fails the job with
// failure.PostProcessing and a message naming the processor.
type PostProcessor interface {
	// Name identifies the processor in logs and error messages.
	Name() string
	// Stage returns the job stage to report while the processor runs on
	// job (such as "diarizing"), or "" when the job did not ask for it.
	Stage(job store.Job) string
	// Process runs on a finished transcription with the job's decoded
	// audio.
	Process(ctx context.Context, job store.Job, t *transcript.Transcript, audio Audio) error
}

// Audio is a job's decoded audio as post-processors see it.
type Audio struct {
	// Samples is the 16 kHz mono audio, a read-only file mapping that is
	// unmapped when the job ends: it must not be modified, nor read after
	// Process returns (by a goroutine Process started, say).
	Samples []float32
	// Release, when not nil, says that Samples[from:to] will not be read
	// again soon, so their pages can leave resident memory (reading them
	// again stays correct). A processor that walks the audio in order
	// calls it behind itself, which keeps memory flat with length.
	Release func(from, to int)
}

// Option customises a Pool or a Janitor.
type Option func(*options)

type options struct {
	now     func() time.Time
	post    []PostProcessor
	metrics Metrics
	onClaim func(store.Job)
	models  Models
}

// WithClaimHook calls fn with every job a worker claims, before it runs.
// It exists for tests that need a job to misbehave, such as the
// crash-isolation test, which kills the process from it. A Janitor ignores
// it.
func WithClaimHook(fn func(store.Job)) Option {
	return func(o *options) { o.onClaim = fn }
}

// WithClock sets the clock; time.Now by default. The pool reads it for the
// quota month and log timings, the janitor for the retention cut-off and
// the age of temporary files.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// WithPostProcessors appends post-processors, run in the order given. A
// Janitor ignores them.
func WithPostProcessors(pp ...PostProcessor) Option {
	return func(o *options) { o.post = append(o.post, pp...) }
}

func applyOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}
