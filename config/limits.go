package config

import (
	"time"

	"github.com/instanttranscriber/instanttranscriber/jobs"
)

// LimitsSection is the limits: section.
type LimitsSection struct {
	MaxUploadBytes   ByteSize      `yaml:"max_upload_bytes"`
	MaxAudioDuration time.Duration `yaml:"max_audio_duration"`
	MaxQueuedPerKey  int           `yaml:"max_queued_per_key"`
	IdempotencyTTL   time.Duration `yaml:"idempotency_ttl"`
	ProbeConcurrency int           `yaml:"probe_concurrency"`
	ProbeWait        time.Duration `yaml:"probe_wait"`
}

func defaultLimits() LimitsSection {
	return LimitsSection{
		MaxUploadBytes:   1 * GiB,
		MaxAudioDuration: jobs.DefaultMaxAudioDuration,
		MaxQueuedPerKey:  100,
		IdempotencyTTL:   24 * time.Hour,
		ProbeConcurrency: 4,
		ProbeWait:        10 * time.Second,
	}
}

func (s LimitsSection) check(p *problems) {
	if s.MaxUploadBytes <= 0 {
		p.add("limits.max_upload_bytes", "must be positive")
	}
	p.positive("limits.max_audio_duration", s.MaxAudioDuration)
	p.nonNegative("limits.max_queued_per_key", int64(s.MaxQueuedPerKey))
	p.positive("limits.idempotency_ttl", s.IdempotencyTTL)
	p.atLeast1("limits.probe_concurrency", s.ProbeConcurrency)
	p.nonNegative("limits.probe_wait", int64(s.ProbeWait))
}

// JobsSection is the jobs: section.
type JobsSection struct {
	MaxAttempts   int  `yaml:"max_attempts"`
	RetainAudio   bool `yaml:"retain_audio"`
	RetentionDays int  `yaml:"retention_days"`
}

func defaultJobs() JobsSection {
	return JobsSection{MaxAttempts: 3}
}

func (s JobsSection) check(p *problems) {
	p.atLeast1("jobs.max_attempts", s.MaxAttempts)
	p.nonNegative("jobs.retention_days", int64(s.RetentionDays))
}
