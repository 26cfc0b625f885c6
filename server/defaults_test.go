package server

import "time"

// DefaultConfig returns the configuration the tests start from: the
// program's defaults (config.Default) as the server sees them.
func DefaultConfig() Config {
	return Config{
		Addr:             ":8080",
		ShutdownTimeout:  10 * time.Second,
		AudioDir:         "data/audio",
		MaxUploadBytes:   1 << 30,
		MaxAudioDuration: 4 * time.Hour,
		MaxQueuedPerKey:  100,
		MaxAttempts:      3,
		RateLimit:        20,
		RateBurst:        40,
		IdempotencyTTL:   24 * time.Hour,
		DownloadURLTTL:   7 * 24 * time.Hour,
		MinFreeDisk:      1 << 30,
		ModelPath:        "models/ggml-tiny-q8_0.bin",
		ProbeConcurrency: 4,
		ProbeWait:        10 * time.Second,
	}
}
