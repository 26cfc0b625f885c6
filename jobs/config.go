package jobs

import (
	"fmt"
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
// DefaultConfig); BeamSize, BestOf and the booleans are used as given.
type Config struct {
	// Workers is the number of jobs run at once; 0 means
	// max(1, runtime.NumCPU()/ThreadsPerJob).
	Workers int `yaml:"workers"`
	// DownloadWorkers is the number of URL imports downloaded at once. They
	// download without holding a whisper state, so a slow server delays no
	// transcription; once its audio is in, an import waits for a free
	// state. 0 means DefaultDownloadWorkers.
	DownloadWorkers int `yaml:"download_workers"`
	// ThreadsPerJob is the number of CPU threads whisper uses for one job;
	// 0 means engine.DefaultThreads().
	ThreadsPerJob int `yaml:"threads_per_job"`
	// BeamSize > 1 selects beam search with that many beams; 0 or 1 greedy
	// decoding.
	BeamSize int `yaml:"beam_size"`
	// BestOf is the number of sampling candidates when whisper falls back
	// to temperature sampling; 0 keeps whisper's default.
	BestOf int `yaml:"best_of"`
	// ChunkLength is the most audio one whisper pass sees (see
	// engine.Options.ChunkLength); 0 means engine.DefaultChunkLength.
	ChunkLength time.Duration `yaml:"chunk_length"`
	// AudioDir is where uploads live and where URL imports are downloaded
	// (as <job id>.audio). Only files inside it are ever deleted.
	AudioDir string `yaml:"audio_dir"`
	// MaxAudioDuration rejects longer audio with failure.AudioTooLong.
	MaxAudioDuration time.Duration `yaml:"max_audio_duration"`
	// MaxDownloadBytes rejects larger URL imports with failure.PayloadTooLarge.
	MaxDownloadBytes int64 `yaml:"max_download_bytes"`
	// DownloadIdleTimeout fails a URL import with failure.DownloadTimeout when
	// its body delivers no byte for this long; DownloadTimeout when the
	// whole download takes longer.
	DownloadIdleTimeout time.Duration `yaml:"download_idle_timeout"`
	DownloadTimeout     time.Duration `yaml:"download_timeout"`
	// RetainAudio keeps every job's audio file after the job ends; without
	// it only jobs with Job.RetainAudio keep theirs.
	RetainAudio bool `yaml:"retain_audio"`
	// VAD enables Silero voice activity detection, which skips silence; it
	// needs VADModelPath.
	VAD          bool   `yaml:"vad"`
	VADModelPath string `yaml:"vad_model_path"`
	// ProgressInterval is how often a running job's progress is persisted
	// (stage changes are persisted at once). It also bounds how long a
	// cancel requested through the store takes to be noticed.
	ProgressInterval time.Duration `yaml:"progress_interval"`
	// PollInterval is how often an idle worker looks at the queue when no
	// Notify arrives.
	PollInterval time.Duration `yaml:"poll_interval"`
	// ShutdownGrace is how long Stop lets running jobs finish before it
	// interrupts and requeues them.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
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

// Validate reports the first field with an unusable value, by its YAML
// name.
func (c Config) Validate() error {
	switch {
	case c.Workers < 0:
		return fmt.Errorf("worker: config: workers %d is negative", c.Workers)
	case c.DownloadWorkers < 0:
		return fmt.Errorf("worker: config: download_workers %d is negative", c.DownloadWorkers)
	case c.DownloadIdleTimeout < 0:
		return fmt.Errorf("worker: config: download_idle_timeout %s is negative", c.DownloadIdleTimeout)
	case c.DownloadTimeout < 0:
		return fmt.Errorf("worker: config: download_timeout %s is negative", c.DownloadTimeout)
	case c.ThreadsPerJob < 0:
		return fmt.Errorf("worker: config: threads_per_job %d is negative", c.ThreadsPerJob)
	case c.BeamSize < 0 || c.BeamSize > 16:
		return fmt.Errorf("worker: config: beam_size %d is outside 0-16", c.BeamSize)
	case c.BestOf < 0 || c.BestOf > 16:
		return fmt.Errorf("worker: config: best_of %d is outside 0-16", c.BestOf)
	case c.MaxAudioDuration < 0:
		return fmt.Errorf("worker: config: max_audio_duration %s is negative", c.MaxAudioDuration)
	case c.MaxDownloadBytes < 0:
		return fmt.Errorf("worker: config: max_download_bytes %d is negative", c.MaxDownloadBytes)
	case c.VAD && c.VADModelPath == "":
		return fmt.Errorf("worker: config: vad needs vad_model_path")
	case c.ProgressInterval < 0:
		return fmt.Errorf("worker: config: progress_interval %s is negative", c.ProgressInterval)
	case c.PollInterval < 0:
		return fmt.Errorf("worker: config: poll_interval %s is negative", c.PollInterval)
	case c.ShutdownGrace < 0:
		return fmt.Errorf("worker: config: shutdown_grace %s is negative", c.ShutdownGrace)
	}
	return nil
}

// withDefaults returns c with zero (or negative) fields resolved.
func (c Config) withDefaults() Config {
	if c.ThreadsPerJob <= 0 {
		c.ThreadsPerJob = engine.DefaultThreads()
	}
	if c.Workers <= 0 {
		c.Workers = max(1, runtime.NumCPU()/c.ThreadsPerJob)
	}
	if c.DownloadWorkers <= 0 {
		c.DownloadWorkers = DefaultDownloadWorkers
	}
	if c.DownloadIdleTimeout <= 0 {
		c.DownloadIdleTimeout = DefaultDownloadIdleTimeout
	}
	if c.DownloadTimeout <= 0 {
		c.DownloadTimeout = DefaultDownloadTimeout
	}
	if c.MaxAudioDuration <= 0 {
		c.MaxAudioDuration = DefaultMaxAudioDuration
	}
	if c.MaxDownloadBytes <= 0 {
		c.MaxDownloadBytes = DefaultMaxDownloadBytes
	}
	if c.ProgressInterval <= 0 {
		c.ProgressInterval = DefaultProgressInterval
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	return c
}
