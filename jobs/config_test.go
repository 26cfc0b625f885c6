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
