package jobs

import (
	"runtime"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// Defaults used by DefaultConfig and for zero Config fields.
const (
	DefaultBeamSize         = 5
	DefaultMaxAudioDuration = 4 * time.Hour
	DefaultMaxDownloadBytes = 1 << 30
	DefaultProgressInterval = time.Second
	DefaultPollInterval     = time.Second
	DefaultShutdownGrace    = 30 * time.Second
	DefaultDownloadWorkers  = 2
	// DefaultDownloadIdleTimeout and DefaultDownloadTimeout bound a URL
	// import: the longest pause in its body and the whole download.
	DefaultDownloadIdleTimeout = 30 * time.Second
	DefaultDownloadTimeout     = 30 * time.Minute
)

// Config configures a Pool. Zero fields take their defaults (see
// DefaultConfig); BeamSize, BestOf and the booleans are used as given. The
// program fills it from its configuration, which package config has
// checked; a Pool does not validate it again.
type Config struct {
	// Workers is the number of jobs run at once; 0 means
	// max(1, runtime.NumCPU()/ThreadsPerJob).
	Workers int
	// DownloadWorkers is the number of URL imports downloaded at once. They
	// download without holding a whisper state, so a slow server delays no
	// transcription; once its audio is in, an import waits for a free
	// state. 0 means DefaultDownloadWorkers.
	DownloadWorkers int
	// ThreadsPerJob is the number of CPU threads whisper uses for one job;
	// 0 means engine.DefaultThreads().
	ThreadsPerJob int
	// BeamSize > 1 selects beam search with that many beams; 0 or 1 greedy
	// decoding.
	BeamSize int
	// BestOf is the number of sampling candidates when whisper falls back
	// to temperature sampling; 0 keeps whisper's default.
	BestOf int
	// ChunkLength is the most audio one whisper pass sees (see
	// engine.Options.ChunkLength); 0 means engine.DefaultChunkLength.
	ChunkLength time.Duration
	// AudioDir is where uploads live and where URL imports are downloaded
	// (as <job id>.audio). Only files inside it are ever deleted.
	AudioDir string
	// MaxAudioDuration rejects longer audio with failure.AudioTooLong.
	MaxAudioDuration time.Duration
	// MaxDownloadBytes rejects larger URL imports with failure.PayloadTooLarge.
	MaxDownloadBytes int64
	// DownloadIdleTimeout fails a URL import with failure.DownloadTimeout when
	// its body delivers no byte for this long; DownloadTimeout when the
	// whole download takes longer.
	DownloadIdleTimeout time.Duration
	DownloadTimeout     time.Duration
	// RetainAudio keeps every job's audio file after the job ends; without
	// it only jobs with Job.RetainAudio keep theirs.
	RetainAudio bool
	// VAD enables Silero voice activity detection, which skips silence; it
	// needs VADModelPath.
	VAD          bool
	VADModelPath string
	// ProgressInterval is how often a running job's progress is persisted
	// (stage changes are persisted at once). It also bounds how long a
	// cancel requested through the store takes to be noticed.
	ProgressInterval time.Duration
	// PollInterval is how often an idle worker looks at the queue when no
	// Notify arrives.
	PollInterval time.Duration
	// ShutdownGrace is how long Stop lets running jobs finish before it
	// interrupts and requeues them.
	ShutdownGrace time.Duration
}

// DefaultConfig returns the defaults: workers and threads from the CPU
// count, beam size 5, audio up to 4 h, 2 download workers, downloads up to
// 1 GiB that pause at most 30 s and take at most 30 min, progress persisted
// and the queue polled every second, 30 s shutdown grace.
func DefaultConfig() Config {
	c := Config{
		BeamSize:         DefaultBeamSize,
		MaxAudioDuration: DefaultMaxAudioDuration,
		MaxDownloadBytes: DefaultMaxDownloadBytes,
		ProgressInterval: DefaultProgressInterval,
		PollInterval:     DefaultPollInterval,
		ShutdownGrace:    DefaultShutdownGrace,
	}
	c.DownloadWorkers = DefaultDownloadWorkers
	c.DownloadIdleTimeout, c.DownloadTimeout = DefaultDownloadIdleTimeout, DefaultDownloadTimeout
	return c
}

// withDefaults returns c with zero (or negative) fields resolved.
func (c Config) withDefaults() Config {
	c.ThreadsPerJob = orDefault(c.ThreadsPerJob, engine.DefaultThreads())
	c.Workers = orDefault(c.Workers, max(1, runtime.NumCPU()/c.ThreadsPerJob))
	c.DownloadWorkers = orDefault(c.DownloadWorkers, DefaultDownloadWorkers)
	c.DownloadIdleTimeout = orDefault(c.DownloadIdleTimeout, DefaultDownloadIdleTimeout)
	c.DownloadTimeout = orDefault(c.DownloadTimeout, DefaultDownloadTimeout)
	c.MaxAudioDuration = orDefault(c.MaxAudioDuration, DefaultMaxAudioDuration)
	c.MaxDownloadBytes = orDefault(c.MaxDownloadBytes, DefaultMaxDownloadBytes)
	c.ProgressInterval = orDefault(c.ProgressInterval, DefaultProgressInterval)
	c.PollInterval = orDefault(c.PollInterval, DefaultPollInterval)
	c.ShutdownGrace = orDefault(c.ShutdownGrace, DefaultShutdownGrace)
	return c
}

// orDefault is v, or def when v is zero or negative.
func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
