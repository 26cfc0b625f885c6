package jobs

import (
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

func TestConfigDefaults(t *testing.T) {
	got := Config{}.withDefaults()
	want := Config{
		Workers:          max(1, runtime.NumCPU()/engine.DefaultThreads()),
		ThreadsPerJob:    engine.DefaultThreads(),
		MaxAudioDuration: 4 * time.Hour,
		MaxDownloadBytes: 1 << 30,
		ProgressInterval: time.Second,
		PollInterval:     time.Second,
		ShutdownGrace:    30 * time.Second,
	}
	want.DownloadWorkers = 2
	want.DownloadIdleTimeout, want.DownloadTimeout = 30*time.Second, 30*time.Minute
	if got != want {
		t.Errorf("Config{}.withDefaults() = %+v; want %+v", got, want)
	}
	if d := DefaultConfig(); d.BeamSize != 5 || d.Validate() != nil {
		t.Errorf("DefaultConfig() = %+v, Validate %v; want beam size 5, valid", d, d.Validate())
	}
	if got := (Config{ThreadsPerJob: 64}).withDefaults().Workers; got != 1 {
		t.Errorf("workers with more threads per job than CPUs = %d; want 1", got)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.Workers = -1 }, "workers"},
		{func(c *Config) { c.BeamSize = 17 }, "beam_size"},
		{func(c *Config) { c.BestOf = -1 }, "best_of"},
		{func(c *Config) { c.VAD = true }, "vad_model_path"},
		{func(c *Config) { c.MaxDownloadBytes = -1 }, "max_download_bytes"},
		{func(c *Config) { c.ShutdownGrace = -time.Second }, "shutdown_grace"},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.mod(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate() = %v; want an error naming %s", err, tt.want)
		}
		// Start refuses it before touching the store.
		p := New(c, nil, nil, nil, nil, slog.New(slog.DiscardHandler))
		if err := p.Start(t.Context()); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Start with an invalid config = %v; want an error naming %s", err, tt.want)
		}
	}
}

func TestErrLog(t *testing.T) {
	logger, logs := newLogger(t)
	clock := &fakeClock{t: t0}
	e := newErrLog(logger, "claim job failed", clock.Now)
	for i := 1; i <= 3; i++ {
		if n := e.fail(errTest); n != i {
			t.Errorf("fail #%d returned %d", i, n)
		}
	}
	clock.Set(t0.Add(errLogEvery))
	e.fail(errTest)
	e.ok()
	e.ok()
	tests := []struct {
		parts []string
		want  int
	}{
		{[]string{"level=ERROR", "claim job failed", "failures=1"}, 1},
		{[]string{"level=ERROR", "claim job failed", "failures=4"}, 1},
		{[]string{"level=ERROR"}, 2},
		{[]string{"level=INFO", "claim job failed: recovered", "failures=4"}, 1},
		{[]string{"recovered"}, 1},
	}
	for _, tt := range tests {
		if got := logs.count(tt.parts...); got != tt.want {
			t.Errorf("log lines with %q = %d; want %d\n%s", tt.parts, got, tt.want, logs)
		}
	}
}

var errTest = errorString("disk on fire")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {7, time.Minute}, {100, time.Minute},
	}
	for _, tt := range tests {
		if got := backoff(time.Second, tt.n); got != tt.want {
			t.Errorf("backoff(1s, %d) = %v; want %v", tt.n, got, tt.want)
		}
	}
	if got := backoff(2*time.Minute, 3); got != 2*time.Minute {
		t.Errorf("backoff above the cap = %v; want the poll interval itself", got)
	}
}
