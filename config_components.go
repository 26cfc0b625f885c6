package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// StorePath is the bbolt file, data_dir/instanttranscriber.db.
func (c Config) StorePath() string {
	return filepath.Join(c.DataDir, "instanttranscriber.db")
}

// AudioDir is where audio files live, data_dir/audio.
func (c Config) AudioDir() string {
	return filepath.Join(c.DataDir, "audio")
}

// ServerConfig returns the HTTP server's configuration. A trailing slash on
// public_url is dropped.
func (c Config) ServerConfig() server.Config {
	return server.Config{
		Addr:                 c.Server.Addr,
		PublicURL:            strings.TrimRight(c.Server.PublicURL, "/"),
		ShutdownTimeout:      c.Server.ShutdownTimeout,
		AudioDir:             c.AudioDir(),
		MaxUploadBytes:       int64(c.Limits.MaxUploadBytes),
		MaxAudioDuration:     c.Limits.MaxAudioDuration,
		MaxQueuedPerKey:      c.Limits.MaxQueuedPerKey,
		MaxAttempts:          c.Jobs.MaxAttempts,
		RateLimit:            c.Server.RateLimit,
		RateBurst:            c.Server.RateBurst,
		IdempotencyTTL:       c.Limits.IdempotencyTTL,
		DownloadURLTTL:       c.Server.DownloadURLTTL,
		RetainAudio:          c.Jobs.RetainAudio,
		AllowPrivateNetworks: c.URLImport.AllowPrivateNetworks,
		MetricsSeparate:      c.Metrics.Addr != "",
		MetricsOpen:          !c.Metrics.RequireAdminKey,
		MinFreeDisk:          int64(c.Server.MinFreeDisk),
		ModelPath:            c.defaultModelPath(),
		Models:               c.modelNames(),
		ProbeConcurrency:     c.Limits.ProbeConcurrency,
		ProbeWait:            c.Limits.ProbeWait,
	}
}

// EngineConfig returns the model's load configuration.
func (c Config) EngineConfig() engine.Config {
	return engine.Config{
		ModelPath:        c.defaultModelPath(),
		DisableGPU:       c.Engine.DisableGPU,
		GPUDevice:        c.Engine.GPUDevice,
		DisableFlashAttn: c.Engine.DisableFlashAttn,
	}
}

// WorkerConfig returns the worker pool's configuration. URL imports are
// limited by limits.max_upload_bytes, like uploads.
func (c Config) WorkerConfig() jobs.Config {
	w := jobs.Config{
		Workers:          c.Worker.Workers,
		ThreadsPerJob:    c.Worker.ThreadsPerJob,
		BeamSize:         c.Worker.BeamSize,
		BestOf:           c.Worker.BestOf,
		ChunkLength:      c.Worker.ChunkLength,
		AudioDir:         c.AudioDir(),
		MaxAudioDuration: c.Limits.MaxAudioDuration,
		MaxDownloadBytes: int64(c.Limits.MaxUploadBytes),
		RetainAudio:      c.Jobs.RetainAudio,
		VAD:              c.Engine.VAD,
		VADModelPath:     c.Engine.VADModelPath,
		ProgressInterval: c.Worker.ProgressInterval,
		PollInterval:     jobs.DefaultPollInterval,
		ShutdownGrace:    c.Worker.ShutdownGrace,
	}
	w.DownloadWorkers = c.Worker.DownloadWorkers
	w.DownloadIdleTimeout, w.DownloadTimeout = c.URLImport.IdleTimeout, c.URLImport.DownloadTimeout
	return w
}

// JanitorConfig returns the retention janitor's configuration.
func (c Config) JanitorConfig() jobs.JanitorConfig {
	return jobs.JanitorConfig{
		RetentionDays: c.Jobs.RetentionDays,
		Interval:      jobs.DefaultJanitorInterval,
		AudioDir:      c.AudioDir(),
	}
}

// WebhookConfig is the webhook dispatcher's configuration; version goes in
// its User-Agent. An unparsable retry_schedule (Validate reports it) leaves
// the default schedule.
func (c Config) WebhookConfig(version string) webhook.Config {
	w := webhook.DefaultConfig()
	w.Workers = c.Webhook.Workers
	w.PerHost = c.Webhook.PerHost
	w.Timeout = c.Webhook.Timeout
	if sched, err := parseSchedule(c.Webhook.RetrySchedule); err == nil {
		w.Schedule = sched
	}
	w.Jitter = c.Webhook.Jitter
	w.MaxRetryAfter = c.Webhook.MaxRetryAfter
	w.ShutdownGrace = c.Webhook.ShutdownGrace
	w.UserAgentVersion = version
	return w
}

// SummaryConfig is the summarizer's configuration.
func (c Config) SummaryConfig() summarize.Config {
	l := c.Summary.LLM
	return summarize.Config{LLM: summarize.LLMConfig{
		BaseURL:    l.BaseURL,
		Model:      l.Model,
		APIKey:     l.APIKey,
		Timeout:    l.Timeout,
		MaxRetries: l.MaxRetries,
	}}
}

// parseSchedule reads a retry schedule: durations separated by spaces or
// commas, the first 0s.
func parseSchedule(s string) ([]time.Duration, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(fields) == 0 {
		return nil, errors.New("needs at least one delay")
	}
	out := make([]time.Duration, 0, len(fields))
	for _, f := range fields {
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q is not a duration such as 5m", f)
		}
		out = append(out, d)
	}
	if out[0] != 0 {
		return nil, errors.New("the first delay must be 0s: a callback is due as soon as the job ends")
	}
	return out, nil
}

// NetguardConfig returns the outbound HTTP client's configuration, shared
// by URL imports and webhook callbacks. max_redirects 0 follows none.
func (c Config) NetguardConfig() netguard.Config {
	redirects := c.URLImport.MaxRedirects
	if redirects == 0 {
		redirects = -1 // netguard: negative follows none, 0 is its default
	}
	return netguard.Config{
		AllowPrivateNetworks: c.URLImport.AllowPrivateNetworks,
		ConnectTimeout:       c.URLImport.ConnectTimeout,
		HeaderTimeout:        c.URLImport.HeaderTimeout,
		MaxRedirects:         redirects,
	}
}
