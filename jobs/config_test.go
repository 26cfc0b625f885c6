package jobs

import (
	"runtime"
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
	if d := DefaultConfig(); d.BeamSize != 5 {
		t.Errorf("DefaultConfig() = %+v; want beam size 5", d)
	}
	if got := (Config{ThreadsPerJob: 64}).withDefaults().Workers; got != 1 {
		t.Errorf("workers with more threads per job than CPUs = %d; want 1", got)
	}
}
