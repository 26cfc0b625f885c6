package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// envPrefix starts every environment variable that overrides a config key:
// INSTANTTRANSCRIBER_ followed by the key's YAML path, upper-cased, with
// dots as underscores (INSTANTTRANSCRIBER_SERVER_ADDR).
const envPrefix = "INSTANTTRANSCRIBER_"

// Config is the whole configuration file (see config.example.yaml). It is a
// plain value: DefaultConfig, ParseConfig or LoadConfig build it, Validate
// checks it, and the conversion methods hand each component its part.
type Config struct {
	// DataDir holds the bbolt file (instanttranscriber.db) and the audio
	// directory (audio).
	DataDir   string           `yaml:"data_dir"`
	Log       LogSection       `yaml:"log"`
	Server    ServerSection    `yaml:"server"`
	Limits    LimitsSection    `yaml:"limits"`
	Jobs      JobsSection      `yaml:"jobs"`
	Engine    EngineSection    `yaml:"engine"`
	Worker    WorkerSection    `yaml:"worker"`
	URLImport URLImportSection `yaml:"url_import"`
	Webhook   WebhookSection   `yaml:"webhook"`
	Summary   SummarySection   `yaml:"summary"`
	Metrics   MetricsSection   `yaml:"metrics"`
	Store     StoreSection     `yaml:"store"`
	Node      NodeSection      `yaml:"node"`
}

// MetricsSection is the metrics: section: where the Prometheus metrics are
// served.
type MetricsSection struct {
	// Addr, when set, serves GET /metrics on a listener of its own, without
	// authentication; empty serves it on server.addr.
	Addr string `yaml:"addr"`
	// RequireAdminKey puts /metrics on server.addr behind an admin key.
	RequireAdminKey bool `yaml:"require_admin_key"`
}

// SummarySection is the summary: section.
type SummarySection struct {
	LLM LLMSection `yaml:"llm"`
}

// LLMSection is summary.llm: an OpenAI-compatible chat-completions endpoint
// for abstractive summaries; without base_url the embedded extractive
// summarizer is used.
type LLMSection struct {
	BaseURL    string           `yaml:"base_url"`
	Model      string           `yaml:"model"`
	APIKey     summarize.Secret `yaml:"api_key"`
	Timeout    time.Duration    `yaml:"timeout"`
	MaxRetries int              `yaml:"max_retries"`
}

// LogSection is the log: section.
type LogSection struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

// ServerSection is the server: section.
type ServerSection struct {
	Addr            string        `yaml:"addr"`
	PublicURL       string        `yaml:"public_url"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	RateLimit       float64       `yaml:"rate_limit"`
	RateBurst       int           `yaml:"rate_burst"`
	DownloadURLTTL  time.Duration `yaml:"download_url_ttl"`
	MinFreeDisk     ByteSize      `yaml:"min_free_disk"`
}

// LimitsSection is the limits: section.
type LimitsSection struct {
	MaxUploadBytes   ByteSize      `yaml:"max_upload_bytes"`
	MaxAudioDuration time.Duration `yaml:"max_audio_duration"`
	MaxQueuedPerKey  int           `yaml:"max_queued_per_key"`
	IdempotencyTTL   time.Duration `yaml:"idempotency_ttl"`
	ProbeConcurrency int           `yaml:"probe_concurrency"`
	ProbeWait        time.Duration `yaml:"probe_wait"`
}

// JobsSection is the jobs: section.
type JobsSection struct {
	MaxAttempts   int  `yaml:"max_attempts"`
	RetainAudio   bool `yaml:"retain_audio"`
	RetentionDays int  `yaml:"retention_days"`
}

// EngineSection is the engine: section.
type EngineSection struct {
	ModelPath        string `yaml:"model_path"`
	VAD              bool   `yaml:"vad"`
	VADModelPath     string `yaml:"vad_model_path"`
	DisableGPU       bool   `yaml:"disable_gpu"`
	GPUDevice        int    `yaml:"gpu_device"`
	DisableFlashAttn bool   `yaml:"disable_flash_attn"`
	// Models, DefaultModel and ModelMemoryBudget: see config_models.go.
	Models            string   `yaml:"models"`
	DefaultModel      string   `yaml:"default_model"`
	ModelMemoryBudget ByteSize `yaml:"model_memory_budget"`
}

// WorkerSection is the worker: section.
type WorkerSection struct {
	Workers          int           `yaml:"workers"`
	DownloadWorkers  int           `yaml:"download_workers"`
	ThreadsPerJob    int           `yaml:"threads_per_job"`
	BeamSize         int           `yaml:"beam_size"`
	BestOf           int           `yaml:"best_of"`
	ChunkLength      time.Duration `yaml:"chunk_length"`
	ProgressInterval time.Duration `yaml:"progress_interval"`
	ShutdownGrace    time.Duration `yaml:"shutdown_grace"`
}

// WebhookSection is the webhook: section: the callback dispatcher.
type WebhookSection struct {
	Workers       int           `yaml:"workers"`
	PerHost       int           `yaml:"per_host"`
	Timeout       time.Duration `yaml:"timeout"`
	RetrySchedule string        `yaml:"retry_schedule"` // delays before each attempt, space-separated
	Jitter        float64       `yaml:"jitter"`
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
}

// URLImportSection is the url_import: section; it also governs webhook
// callbacks.
type URLImportSection struct {
	AllowPrivateNetworks bool          `yaml:"allow_private_networks"`
	ConnectTimeout       time.Duration `yaml:"connect_timeout"`
	HeaderTimeout        time.Duration `yaml:"header_timeout"`
	MaxRedirects         int           `yaml:"max_redirects"`
	IdleTimeout          time.Duration `yaml:"idle_timeout"`
	DownloadTimeout      time.Duration `yaml:"download_timeout"`
}

// DefaultConfig returns the configuration used when there is no file; it is
// exactly what config.example.yaml documents.
func DefaultConfig() Config {
	return Config{
		DataDir: "./data",
		Log:     LogSection{Level: "info", Format: "text"},
		Server: ServerSection{
			Addr:            ":8080",
			ShutdownTimeout: 10 * time.Second,
			RateLimit:       20,
			RateBurst:       40,
			DownloadURLTTL:  168 * time.Hour,
			MinFreeDisk:     1 * GiB,
		},
		Limits: LimitsSection{
			MaxUploadBytes:   1 * GiB,
			MaxAudioDuration: 4 * time.Hour,
			MaxQueuedPerKey:  100,
			IdempotencyTTL:   24 * time.Hour,
			ProbeConcurrency: 4,
			ProbeWait:        10 * time.Second,
		},
		Jobs:  JobsSection{MaxAttempts: 3},
		Store: StoreSection{Driver: StoreBolt, Lease: time.Minute},
		Node:  NodeSection{API: true, Workers: true},
		Engine: EngineSection{
			ModelPath:    "models/ggml-tiny-q8_0.bin",
			VADModelPath: "models/ggml-silero-v6.2.0.bin",

			ModelMemoryBudget: 4 * GiB,
		},
		Worker: WorkerSection{
			DownloadWorkers:  2,
			BeamSize:         5,
			BestOf:           5,
			ChunkLength:      10 * time.Minute,
			ProgressInterval: time.Second,
			ShutdownGrace:    30 * time.Second,
		},
		URLImport: URLImportSection{
			ConnectTimeout:  30 * time.Second,
			HeaderTimeout:   30 * time.Second,
			MaxRedirects:    5,
			IdleTimeout:     30 * time.Second,
			DownloadTimeout: 30 * time.Minute,
		},
		Webhook: WebhookSection{
			Workers:       webhook.DefaultWorkers,
			PerHost:       webhook.DefaultPerHost,
			Timeout:       webhook.DefaultTimeout,
			RetrySchedule: "0s 5s 5m 30m 2h 5h 10h 14h 20h 24h",
			Jitter:        webhook.DefaultJitter,
			MaxRetryAfter: webhook.DefaultMaxRetryAfter,
			ShutdownGrace: webhook.DefaultShutdownGrace,
		},
		Summary: SummarySection{LLM: LLMSection{
			Timeout:    summarize.DefaultTimeout,
			MaxRetries: summarize.DefaultMaxRetries,
		}},
		Metrics: MetricsSection{RequireAdminKey: true},
	}
}

// LoadConfig reads the YAML file at path over the defaults (path "" means
// defaults only), applies the INSTANTTRANSCRIBER_* overrides found in
// environ (os.Environ form), and validates the result. A command with flags
// that override keys uses loadConfig, then validates once after them.
func LoadConfig(path string, environ []string) (Config, error) {
	cfg, err := loadConfig(path, environ)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// loadConfig is LoadConfig without the validation.
func loadConfig(path string, environ []string) (Config, error) {
	cfg := DefaultConfig()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		defer f.Close()
		if cfg, err = parseConfig(f); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := cfg.applyEnv(environ); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// ParseConfig decodes one YAML document over DefaultConfig: absent keys
// keep their defaults, and an unknown key is an error naming it. It does
// not validate.
func ParseConfig(r io.Reader) (Config, error) {
	cfg, err := parseConfig(r)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

func parseConfig(r io.Reader) (Config, error) {
	cfg := DefaultConfig()
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, err
	}
	// First pass: a node tree, checked key by key so that an unknown key
	// or a bad value is reported with its full path.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, err
	}
	if len(doc.Content) == 0 { // empty file or only comments
		return cfg, nil
	}
	if err := checkNode(doc.Content[0], reflect.TypeFor[Config](), ""); err != nil {
		return Config{}, err
	}
	// Second pass: the real decode, over the defaults.
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("more than one YAML document")
	}
	return cfg, nil
}
