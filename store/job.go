package store

import (
	"encoding/json"
	"time"
)

// Status is the state of a job.
type Status string

// Job states. Queued and Processing are active; the others are terminal.
const (
	Queued     Status = "queued"
	Processing Status = "processing"
	Completed  Status = "completed"
	Failed     Status = "failed"
	Canceled   Status = "canceled"
)

// Terminal reports whether s is a final state: Completed, Failed or Canceled.
func (s Status) Terminal() bool {
	return s == Completed || s == Failed || s == Canceled
}

// Valid reports whether s is one of the defined states.
func (s Status) Valid() bool {
	_, ok := statusCode(s)
	return ok
}

// Stages set by the store itself; workers report their own stages in between
// through UpdateProgress.
const (
	StageQueued   = "queued"
	StageStarting = "starting"
	StageDone     = "done"
)

// DefaultMaxAttempts is used by CreateJob when Job.MaxAttempts is not
// positive.
const DefaultMaxAttempts = 3

// Job is a transcription job.
type Job struct {
	// ID is a UUIDv7 string, so IDs sort in creation order. CreateJob assigns
	// one when empty.
	ID     string
	KeyID  string
	Status Status
	// Stage names what the worker is doing, e.g. "decoding"; Progress is a
	// percentage.
	Stage       string
	Progress    int
	CreatedAt   time.Time
	StartedAt   time.Time
	CompletedAt time.Time
	// Attempt rises each time a worker claims the job; a job whose Attempt
	// has reached MaxAttempts fails instead of being requeued after a crash.
	Attempt     int
	MaxAttempts int
	// Errors holds one entry per failed or interrupted attempt, oldest first.
	Errors []AttemptError
	// Error is the final error of a failed job.
	Error           *JobError
	Source          Source
	Options         JobOptions
	CallbackURL     string
	CallbackSecret  string
	Metadata        json.RawMessage
	AudioDuration   time.Duration
	Language        string
	IdempotencyKey  string
	CancelRequested bool
	RetainAudio     bool
	// Sync marks a job whose creator waits for it on an open request (the
	// OpenAI-compatible API). It waits in its own queue, which ClaimNext
	// serves in turn with the queue of other jobs.
	Sync bool
	// Reserved is the audio the job counts against its key's monthly quota
	// while it is active (queued or processing), in the UTC month
	// ReservedMonth (YYYY-MM). CreateJob reserves an upload's probed length,
	// ReserveAudio a URL import's downloaded length. The store keeps each
	// month's reserved total equal to the reservations of the active jobs
	// (see quota.go), so a reservation lapses exactly once, when its job
	// ends or is deleted; FinishJob charges a completed job's audio to
	// ReservedMonth. The fields stay on the finished record as history.
	Reserved      time.Duration
	ReservedMonth string
	// SpeakerNames maps diarization labels ("A") to the names the user
	// gave them (SetSpeakerNames); nil when none.
	SpeakerNames map[string]string
	// Isolated marks a job that was processing beside others when the
	// process crashed: until it ends it runs alone, so that the next crash
	// is blamed on the right job (see quarantine.go).
	Isolated bool
}

// Source is where a job's audio comes from.
type Source struct {
	// AudioPath is the audio file in the data directory, "" once deleted or
	// before a URL import has been downloaded.
	AudioPath string
	// URL is set for URL imports; the worker downloads it.
	URL      string
	Filename string
	Size     int64
}

// JobOptions are the caller's transcription options. The store persists them
// without interpreting them.
type JobOptions struct {
	Language  string
	Translate bool
	// Diarize asks for speaker labels; SpeakersExpected (1-10) is the
	// caller's speaker count, 0 to estimate it; MinSpeakers and
	// MaxSpeakers (1-10, 0 for none) bound the estimate.
	Diarize          bool
	SpeakersExpected int
	MinSpeakers      int
	MaxSpeakers      int
	// Summarize asks for a summary of SummaryType ("bullets" or
	// "paragraph").
	Summarize   bool
	SummaryType string
	// Prompt is text that conditions the decoder (whisper's initial
	// prompt), such as names and spellings.
	Prompt string
	// Vocabulary lists terms (names, jargon) added to the prompt.
	Vocabulary []string
	// Model names the configured model to transcribe with; "" is the
	// default one.
	Model string
}

// JobError is the error that ended a job.
type JobError struct {
	Code    string
	Message string
}

// AttemptError records why one attempt of a job failed or was interrupted.
type AttemptError struct {
	Attempt int
	At      time.Time
	Code    string
	Message string
	// Uncounted marks an attempt cut short by a crash that several
	// processing jobs shared: it was refunded, so the job's Attempt does
	// not count it and the next attempt has the same number.
	Uncounted bool
}

// CodeInterrupted is the error code recorded for attempts cut short by a
// crash or a shutdown.
const CodeInterrupted = "interrupted"
