package main

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"strings"
	"time"
)

// Validate reports every field with an unusable value, each as
// "config: section.key: problem", joined with errors.Join.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", field, fmt.Sprintf(format, args...)))
	}
	positive := func(field string, d time.Duration) {
		if d <= 0 {
			bad(field, "must be positive")
		}
	}
	nonNegative := func(field string, n int) {
		if n < 0 {
			bad(field, "must not be negative")
		}
	}

	if c.DataDir == "" {
		bad("data_dir", "must not be empty")
	}
	if _, ok := logLevels[c.Log.Level]; !ok {
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "%q is not one of text, json", c.Log.Format)
	}

	if c.Server.Addr == "" {
		bad("server.addr", "must not be empty")
	} else if _, _, err := net.SplitHostPort(c.Server.Addr); err != nil {
		bad("server.addr", "%q is not host:port", c.Server.Addr)
	}
	if c.Server.PublicURL != "" {
		if err := checkPublicURL(c.Server.PublicURL); err != nil {
			bad("server.public_url", "%v", err)
		}
	}
	positive("server.shutdown_timeout", c.Server.ShutdownTimeout)
	if r := c.Server.RateLimit; r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		bad("server.rate_limit", "must be a finite number, 0 or more")
	}
	if c.Server.RateBurst < 0 {
		bad("server.rate_burst", "must not be negative")
	} else if c.Server.RateLimit > 0 && c.Server.RateBurst < 1 {
		bad("server.rate_burst", "must be at least 1 when rate_limit is on")
	}
	positive("server.download_url_ttl", c.Server.DownloadURLTTL)
	if c.Server.MinFreeDisk < 0 {
		bad("server.min_free_disk", "must not be negative")
	}

	if c.Limits.MaxUploadBytes <= 0 {
		bad("limits.max_upload_bytes", "must be positive")
	}
	positive("limits.max_audio_duration", c.Limits.MaxAudioDuration)
	nonNegative("limits.max_queued_per_key", c.Limits.MaxQueuedPerKey)
	positive("limits.idempotency_ttl", c.Limits.IdempotencyTTL)
	if c.Limits.ProbeConcurrency < 1 {
		bad("limits.probe_concurrency", "must be at least 1")
	}
	if c.Limits.ProbeWait < 0 {
		bad("limits.probe_wait", "must not be negative")
	}

	if c.Jobs.MaxAttempts < 1 {
		bad("jobs.max_attempts", "must be at least 1")
	}
	nonNegative("jobs.retention_days", c.Jobs.RetentionDays)

	if c.Engine.ModelPath == "" {
		bad("engine.model_path", "must not be empty")
	}
	if c.Engine.VAD && c.Engine.VADModelPath == "" {
		bad("engine.vad_model_path", "must be set when vad is on")
	}
	nonNegative("engine.gpu_device", c.Engine.GPUDevice)
	if _, _, err := c.ModelPaths(); err != nil {
		errs = append(errs, err)
	}
	if c.Engine.ModelMemoryBudget < 0 {
		bad("engine.model_memory_budget", "must not be negative")
	}

	nonNegative("worker.workers", c.Worker.Workers)
	nonNegative("worker.threads_per_job", c.Worker.ThreadsPerJob)
	if c.Worker.DownloadWorkers < 1 {
		bad("worker.download_workers", "must be at least 1")
	}
	if b := c.Worker.BeamSize; b < 1 || b > 16 {
		bad("worker.beam_size", "%d is outside 1-16", b)
	}
	if b := c.Worker.BestOf; b < 1 || b > 16 {
		bad("worker.best_of", "%d is outside 1-16", b)
	}
	if d := c.Worker.ChunkLength; d < 5*time.Second {
		bad("worker.chunk_length", "%v is under 5s", d)
	}
	positive("worker.progress_interval", c.Worker.ProgressInterval)
	positive("worker.shutdown_grace", c.Worker.ShutdownGrace)

	positive("url_import.connect_timeout", c.URLImport.ConnectTimeout)
	positive("url_import.header_timeout", c.URLImport.HeaderTimeout)
	positive("url_import.idle_timeout", c.URLImport.IdleTimeout)
	positive("url_import.download_timeout", c.URLImport.DownloadTimeout)
	nonNegative("url_import.max_redirects", c.URLImport.MaxRedirects)
	if err := c.WebhookConfig("").Validate(); err != nil {
		bad("webhook", "%v", err)
	}
	if _, err := parseSchedule(c.Webhook.RetrySchedule); err != nil {
		bad("webhook.retry_schedule", "%v", err)
	}
	if err := c.SummaryConfig().Validate(); err != nil {
		bad("summary", "%v", err)
	}
	if a := c.Metrics.Addr; a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			bad("metrics.addr", "%q is not host:port", a)
		} else if a == c.Server.Addr {
			bad("metrics.addr", "%q is server.addr; leave it empty to serve /metrics there", a)
		}
	}

	if err := c.Store.validate(); err != nil {
		errs = append(errs, err)
	} else if c.Store.Driver == StorePostgres && c.Store.Lease < 2*c.Worker.ProgressInterval {
		// Progress reports renew the lease: with fewer than two per lease,
		// one late report hands a running job to another node.
		bad("store.lease", "%s is under twice worker.progress_interval (%s)", c.Store.Lease, c.Worker.ProgressInterval)
	}
	if !c.Node.API && !c.Node.Workers {
		bad("node", "api and workers are both false: the node would do nothing")
	}
	return errors.Join(errs...)
}

func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q must start with http:// or https://", s)
	case u.Host == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q must not contain credentials", s)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("%q must not have a query", s)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("%q must not have a fragment", s)
	}
	return nil
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// LogLevel returns log.level as a slog.Level; an unknown level (which
// Validate rejects) is slog.LevelInfo.
func (c Config) LogLevel() slog.Level {
	if l, ok := logLevels[c.Log.Level]; ok {
		return l
	}
	return slog.LevelInfo
}
