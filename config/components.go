package config

import (
	"strings"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

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
// the dispatcher's default schedule.
func (c Config) WebhookConfig(version string) webhook.Config {
	w := c.Webhook
	sched, _ := parseSchedule(w.RetrySchedule)
	return webhook.Config{
		Workers:          w.Workers,
		PerHost:          w.PerHost,
		Timeout:          w.Timeout,
		Schedule:         sched,
		Jitter:           w.Jitter,
		MaxRetryAfter:    w.MaxRetryAfter,
		PollInterval:     webhook.DefaultPollInterval,
		ShutdownGrace:    w.ShutdownGrace,
		UserAgentVersion: version,
	}
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
