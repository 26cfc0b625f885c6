package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/worker"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/server"
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
}

// LimitsSection is the limits: section.
type LimitsSection struct {
	MaxUploadBytes   ByteSize      `yaml:"max_upload_bytes"`
	MaxAudioDuration time.Duration `yaml:"max_audio_duration"`
	MaxQueuedPerKey  int           `yaml:"max_queued_per_key"`
	IdempotencyTTL   time.Duration `yaml:"idempotency_ttl"`
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
}

// WorkerSection is the worker: section.
type WorkerSection struct {
	Workers          int           `yaml:"workers"`
	ThreadsPerJob    int           `yaml:"threads_per_job"`
	BeamSize         int           `yaml:"beam_size"`
	BestOf           int           `yaml:"best_of"`
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
		},
		Limits: LimitsSection{
			MaxUploadBytes:   1 * GiB,
			MaxAudioDuration: 4 * time.Hour,
			MaxQueuedPerKey:  100,
			IdempotencyTTL:   24 * time.Hour,
		},
		Jobs: JobsSection{MaxAttempts: 3},
		Engine: EngineSection{
			ModelPath:    "models/ggml-tiny-q8_0.bin",
			VADModelPath: "models/ggml-silero-v6.2.0.bin",
		},
		Worker: WorkerSection{
			BeamSize:         5,
			BestOf:           5,
			ProgressInterval: time.Second,
			ShutdownGrace:    30 * time.Second,
		},
		URLImport: URLImportSection{
			ConnectTimeout: 30 * time.Second,
			HeaderTimeout:  30 * time.Second,
			MaxRedirects:   5,
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
	}
}

// LoadConfig reads the YAML file at path over the defaults (path "" means
// defaults only), applies the INSTANTTRANSCRIBER_* overrides found in
// environ (os.Environ form), and validates the result.
func LoadConfig(path string, environ []string) (Config, error) {
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
	if err := cfg.Validate(); err != nil {
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

// checkNode checks n against t: mappings for structs with only known keys,
// and leaves that decode into their field's type.
func checkNode(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.ShortTag() == "!!null" {
		return nil // keeps the defaults
	}
	if t.Kind() == reflect.Struct {
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: %s: expected a mapping", n.Line, orTop(path))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "<<" { // merge key: left to the decoder
				continue
			}
			sub := joinPath(path, k.Value)
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, sub)
			}
			if err := checkNode(v, f.Type, sub); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %s: expected %s", n.Line, path, describe(t))
	}
	if t.Kind() == reflect.Int || (t.Kind() == reflect.Int64 && t != reflect.TypeFor[time.Duration]()) {
		if n.ShortTag() == "!!float" {
			return fmt.Errorf("line %d: %s: %q is not a whole number", n.Line, path, n.Value)
		}
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		if _, ok := errors.AsType[*yaml.TypeError](err); ok {
			return fmt.Errorf("line %d: %s: %q is not %s", n.Line, path, n.Value, describe(t))
		}
		return fmt.Errorf("line %d: %s: %w", n.Line, path, err)
	}
	return nil
}

func orTop(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); yamlName(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// describe names what a value of type t looks like, for error messages.
func describe(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[time.Duration]():
		return "a duration such as 30s or 4h"
	case reflect.TypeFor[ByteSize]():
		return "a size such as 1073741824 or 1GiB"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// configLeaf is one settable key of Config: its dotted YAML path and its
// field index.
type configLeaf struct {
	path  string
	index []int
	typ   reflect.Type
}

// envName is the environment variable that overrides l.
func (l configLeaf) envName() string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(l.path, ".", "_"))
}

// configLeaves lists every key of Config, in declaration order.
func configLeaves() []configLeaf {
	var leaves []configLeaf
	var walk func(t reflect.Type, path string, index []int)
	walk = func(t reflect.Type, path string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			p, idx := joinPath(path, yamlName(f)), append(append([]int(nil), index...), i)
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, p, idx)
				continue
			}
			leaves = append(leaves, configLeaf{path: p, index: idx, typ: f.Type})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return leaves
}

// applyEnv sets the keys named by INSTANTTRANSCRIBER_* variables in environ.
// Other variables, including unknown INSTANTTRANSCRIBER_* ones such as
// INSTANTTRANSCRIBER_MODEL (read by the CLI), are ignored. When a variable
// appears more than once the last one wins.
func (c *Config) applyEnv(environ []string) error {
	env := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, envPrefix) {
			env[k] = v
		}
	}
	if len(env) == 0 {
		return nil
	}
	root := reflect.ValueOf(c).Elem()
	for _, l := range configLeaves() {
		name := l.envName()
		s, ok := env[name]
		if !ok {
			continue
		}
		if err := setFromString(root.FieldByIndex(l.index), s); err != nil {
			return fmt.Errorf("config: %s: %w", name, err)
		}
	}
	return nil
}

// setFromString parses s into v by v's type.
func setFromString(v reflect.Value, s string) error {
	switch v.Type() {
	case reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30s or 4h", s)
		}
		v.SetInt(int64(d))
		return nil
	case reflect.TypeFor[ByteSize]():
		b, err := ParseByteSize(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(b))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		v.SetFloat(f)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

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

	if c.Limits.MaxUploadBytes <= 0 {
		bad("limits.max_upload_bytes", "must be positive")
	}
	positive("limits.max_audio_duration", c.Limits.MaxAudioDuration)
	nonNegative("limits.max_queued_per_key", c.Limits.MaxQueuedPerKey)
	positive("limits.idempotency_ttl", c.Limits.IdempotencyTTL)

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

	nonNegative("worker.workers", c.Worker.Workers)
	nonNegative("worker.threads_per_job", c.Worker.ThreadsPerJob)
	if b := c.Worker.BeamSize; b < 1 || b > 16 {
		bad("worker.beam_size", "%d is outside 1-16", b)
	}
	if b := c.Worker.BestOf; b < 1 || b > 16 {
		bad("worker.best_of", "%d is outside 1-16", b)
	}
	positive("worker.progress_interval", c.Worker.ProgressInterval)
	positive("worker.shutdown_grace", c.Worker.ShutdownGrace)

	positive("url_import.connect_timeout", c.URLImport.ConnectTimeout)
	positive("url_import.header_timeout", c.URLImport.HeaderTimeout)
	nonNegative("url_import.max_redirects", c.URLImport.MaxRedirects)
	if err := c.WebhookConfig("").Validate(); err != nil {
		bad("webhook", "%v", err)
	}
	if _, err := parseSchedule(c.Webhook.RetrySchedule); err != nil {
		bad("webhook.retry_schedule", "%v", err)
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
	}
}

// EngineConfig returns the model's load configuration.
func (c Config) EngineConfig() engine.Config {
	return engine.Config{
		ModelPath:        c.Engine.ModelPath,
		DisableGPU:       c.Engine.DisableGPU,
		GPUDevice:        c.Engine.GPUDevice,
		DisableFlashAttn: c.Engine.DisableFlashAttn,
	}
}

// WorkerConfig returns the worker pool's configuration. URL imports are
// limited by limits.max_upload_bytes, like uploads.
func (c Config) WorkerConfig() worker.Config {
	return worker.Config{
		Workers:          c.Worker.Workers,
		ThreadsPerJob:    c.Worker.ThreadsPerJob,
		BeamSize:         c.Worker.BeamSize,
		BestOf:           c.Worker.BestOf,
		AudioDir:         c.AudioDir(),
		MaxAudioDuration: c.Limits.MaxAudioDuration,
		MaxDownloadBytes: int64(c.Limits.MaxUploadBytes),
		RetainAudio:      c.Jobs.RetainAudio,
		VAD:              c.Engine.VAD,
		VADModelPath:     c.Engine.VADModelPath,
		ProgressInterval: c.Worker.ProgressInterval,
		PollInterval:     worker.DefaultPollInterval,
		ShutdownGrace:    c.Worker.ShutdownGrace,
	}
}

// JanitorConfig returns the retention janitor's configuration.
func (c Config) JanitorConfig() worker.JanitorConfig {
	return worker.JanitorConfig{
		RetentionDays: c.Jobs.RetentionDays,
		Interval:      worker.DefaultJanitorInterval,
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

// ByteSize is a number of bytes. In YAML and the environment it is an
// integer or a string with a unit: B, KB, MB, GB, TB (powers of 1000) or
// KiB, MiB, GiB, TiB (powers of 1024), such as "500MB" or "1GiB".
type ByteSize int64

// Binary and decimal byte units.
const (
	KiB ByteSize = 1 << (10 * (iota + 1))
	MiB
	GiB
	TiB
)

// Decimal byte units.
const (
	KB ByteSize = 1000
	MB          = 1000 * KB
	GB          = 1000 * MB
	TB          = 1000 * GB
)

var byteUnits = map[string]ByteSize{
	"": 1, "b": 1,
	"kb": KB, "mb": MB, "gb": GB, "tb": TB,
	"kib": KiB, "mib": MiB, "gib": GiB, "tib": TiB,
}

// ParseByteSize parses a whole number of bytes with an optional unit
// (case-insensitive, optionally after a space): "1073741824", "512KiB",
// "500 MB".
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	unit, ok := byteUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if i == 0 || !ok {
		return 0, fmt.Errorf("%q is not a size such as 1073741824, 500MB or 1GiB", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return ByteSize(n) * unit, nil
}

// UnmarshalYAML accepts an integer or a string for ParseByteSize.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("size %s is too large", n.Value)
		}
		*b = ByteSize(v)
		return nil
	case "!!str":
		v, err := ParseByteSize(n.Value)
		if err != nil {
			return err
		}
		*b = v
		return nil
	}
	return fmt.Errorf("%q is not a size such as 1073741824, 500MB or 1GiB", n.Value)
}

// UnmarshalText accepts what ParseByteSize does, so that a ByteSize can be
// a flag (flag.TextVar).
func (b *ByteSize) UnmarshalText(text []byte) error {
	v, err := ParseByteSize(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// MarshalText returns String's form.
func (b ByteSize) MarshalText() ([]byte, error) {
	return []byte(b.String()), nil
}

// String returns b in the largest unit that divides it exactly, binary
// units first: "1GiB", "500MB", "1234B".
func (b ByteSize) String() string {
	if b != 0 {
		for _, u := range []struct {
			size ByteSize
			name string
		}{{TiB, "TiB"}, {GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}, {TB, "TB"}, {GB, "GB"}, {MB, "MB"}, {KB, "KB"}} {
			if b%u.size == 0 {
				return strconv.FormatInt(int64(b/u.size), 10) + u.name
			}
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}
