package config

import (
	"fmt"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"

	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

const exampleConfig = "../config.example.yaml"

func TestConfigExampleIsDefaults(t *testing.T) {
	f, err := os.Open(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := Default(); got != want {
		t.Errorf("%s differs from Default():\n got %+v\nwant %+v", exampleConfig, got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

// TestConfigExampleDocumentsEveryKey fails when a field is added to Config
// without a commented line in config.example.yaml.
func TestConfigExampleDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(exampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, l := range configLeaves() {
		key, val := lookupNode(doc.Content[0], strings.Split(l.path, "."))
		if key == nil {
			t.Errorf("%s: key %s is missing", exampleConfig, l.path)
			continue
		}
		if key.HeadComment == "" && key.LineComment == "" && val.LineComment == "" {
			t.Errorf("%s: line %d: key %s has no comment", exampleConfig, key.Line, l.path)
		}
	}
}

// lookupNode returns the key and value nodes at path in the mapping n.
func lookupNode(n *yaml.Node, path []string) (key, val *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != path[0] {
			continue
		}
		if len(path) == 1 {
			return n.Content[i], n.Content[i+1]
		}
		return lookupNode(n.Content[i+1], path[1:])
	}
	return nil, nil
}

func TestParseConfigKeepsDefaults(t *testing.T) {
	tests := []struct {
		name, yaml string
		edit       func(*Config)
	}{
		{"empty", "", func(*Config) {}},
		{"comments only", "# nothing\n", func(*Config) {}},
		{"null section", "server:\n", func(*Config) {}},
		{"one key", "server:\n  addr: 127.0.0.1:9000\n", func(c *Config) { c.Server.Addr = "127.0.0.1:9000" }},
		{"several sections", "data_dir: /var/lib/it\nlimits:\n  max_upload_bytes: 500MB\njobs:\n  retain_audio: true\n",
			func(c *Config) {
				c.DataDir = "/var/lib/it"
				c.Limits.MaxUploadBytes = 500 * MB
				c.Jobs.RetainAudio = true
			}},
		{"size as integer", "limits:\n  max_upload_bytes: 2048\n", func(c *Config) { c.Limits.MaxUploadBytes = 2048 }},
		{"quoted size", "limits:\n  max_upload_bytes: \"512KiB\"\n", func(c *Config) { c.Limits.MaxUploadBytes = 512 * KiB }},
		{"float", "server:\n  rate_limit: 2.5\n", func(c *Config) { c.Server.RateLimit = 2.5 }},
		{"duration", "worker:\n  shutdown_grace: 1m30s\n", func(c *Config) { c.Worker.ShutdownGrace = 90 * time.Second }},
		{"secret", "summary:\n  llm:\n    api_key: sk-from-file\n", func(c *Config) { c.Summary.LLM.APIKey = "sk-from-file" }},
		{"anchor and alias", "server:\n  shutdown_timeout: &t 5s\nworker:\n  shutdown_grace: *t\n",
			func(c *Config) {
				c.Server.ShutdownTimeout = 5 * time.Second
				c.Worker.ShutdownGrace = 5 * time.Second
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.edit(&want)
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "data_dri: x\n", `config: line 1: unknown key "data_dri"`},
		{"unknown nested key", "server:\n  adr: :80\n", `config: line 2: unknown key "server.adr"`},
		{"unknown section", "database:\n  path: x\n", `config: line 1: unknown key "database"`},
		{"bad integer", "worker:\n  beam_size: five\n", `config: line 2: worker.beam_size: "five" is not a whole number`},
		{"float for integer", "worker:\n  beam_size: 2.5\n", `config: line 2: worker.beam_size: "2.5" is not a whole number`},
		{"bad bool", "jobs:\n  retain_audio: maybe\n", `config: line 2: jobs.retain_audio: "maybe" is not true or false`},
		{"bare number for duration", "server:\n  shutdown_timeout: 10\n", `config: line 2: server.shutdown_timeout: "10" is not a duration`},
		{"bad duration", "server:\n  shutdown_timeout: soon\n", `config: line 2: server.shutdown_timeout: "soon" is not a duration`},
		{"bad size", "limits:\n  max_upload_bytes: 1GB5\n", `config: line 2: limits.max_upload_bytes: "1GB5" is not a size`},
		{"float size", "limits:\n  max_upload_bytes: 1.5\n", `config: line 2: limits.max_upload_bytes: "1.5" is not a whole number`},
		{"section is a scalar", "server: :8080\n", `config: line 1: server: expected a mapping`},
		{"list for a string", "data_dir: [a, b]\n", `config: line 1: data_dir: expected a string`},
		{"top level is a list", "- a\n", `config: line 1: top level: expected a mapping`},
		{"duplicate key", "data_dir: a\ndata_dir: b\n", `already defined`},
		{"two documents", "data_dir: a\n---\ndata_dir: b\n", `config: more than one YAML document`},
		{"invalid yaml", "server: [\n", `config: yaml:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// writeConfig writes yaml to config.yaml in dir and returns its path.
func writeConfig(t *testing.T, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfigFileAndEnv(t *testing.T) {
	path := writeConfig(t, t.TempDir(), "server:\n  addr: :9000\n  rate_burst: 7\n")
	got, err := Load(path, []string{"INSTANTTRANSCRIBER_SERVER_ADDR=:9100", "HOME=/root"})
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Server.Addr = ":9100" // the environment wins over the file
	want.Server.RateBurst = 7
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	if got, err := Load("", nil); err != nil || got != Default() {
		t.Errorf(`Load("", nil) = %+v, %v; want defaults`, got, err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeConfig(t, dir, "server:\n  adr: x\n")
	tests := []struct {
		name, path string
		environ    []string
		want       string
	}{
		{"missing file", filepath.Join(dir, "nope.yaml"), nil, "config: open "},
		{"unknown key", bad, nil, "config: " + bad + `: line 2: unknown key "server.adr"`},
		{"bad env value", "", []string{"INSTANTTRANSCRIBER_JOBS_MAX_ATTEMPTS=x"}, `config: INSTANTTRANSCRIBER_JOBS_MAX_ATTEMPTS: "x" is not a whole number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path, tt.environ)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestLoadLeavesValidationToTheCaller: Load returns an invalid value
// unchecked, so that a command's flags can still fix it; Validate, run
// once afterwards, reports what is left.
func TestLoadLeavesValidationToTheCaller(t *testing.T) {
	path := writeConfig(t, t.TempDir(), "server:\n  addr: \"not an address\"\nworker:\n  beam_size: 0\n")
	cfg, err := Load(path, []string{"INSTANTTRANSCRIBER_JOBS_MAX_ATTEMPTS=0"})
	if err != nil {
		t.Fatalf("Load: %v; want the invalid values returned unchecked", err)
	}
	cfg.Server.Addr = "127.0.0.1:9000" // a flag such as serve --addr
	err = cfg.Validate()
	for _, want := range []string{"config: worker.beam_size: 0 is outside 1-16", "config: jobs.max_attempts: must be at least 1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want it to contain %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "server.addr") {
		t.Errorf("Validate() = %v; the flag fixed server.addr", err)
	}
}

func TestConfigEnvOverrides(t *testing.T) {
	tests := []struct {
		env  string
		edit func(*Config)
	}{
		{"INSTANTTRANSCRIBER_DATA_DIR=/srv/it", func(c *Config) { c.DataDir = "/srv/it" }},
		{"INSTANTTRANSCRIBER_LOG_LEVEL=debug", func(c *Config) { c.Log.Level = "debug" }},
		{"INSTANTTRANSCRIBER_SERVER_ADDR=127.0.0.1:80", func(c *Config) { c.Server.Addr = "127.0.0.1:80" }},
		{"INSTANTTRANSCRIBER_SERVER_PUBLIC_URL=https://t.example.com/x?", func(c *Config) { c.Server.PublicURL = "https://t.example.com/x?" }},
		{"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0.5", func(c *Config) { c.Server.RateLimit = 0.5 }},
		{"INSTANTTRANSCRIBER_SERVER_RATE_BURST=3", func(c *Config) { c.Server.RateBurst = 3 }},
		{"INSTANTTRANSCRIBER_SERVER_DOWNLOAD_URL_TTL=90m", func(c *Config) { c.Server.DownloadURLTTL = 90 * time.Minute }},
		{"INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES=2GiB", func(c *Config) { c.Limits.MaxUploadBytes = 2 * GiB }},
		{"INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES=500MB", func(c *Config) { c.Limits.MaxUploadBytes = 500_000_000 }},
		{"INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES=1234", func(c *Config) { c.Limits.MaxUploadBytes = 1234 }},
		{"INSTANTTRANSCRIBER_JOBS_RETAIN_AUDIO=true", func(c *Config) { c.Jobs.RetainAudio = true }},
		{"INSTANTTRANSCRIBER_JOBS_RETENTION_DAYS=30", func(c *Config) { c.Jobs.RetentionDays = 30 }},
		{"INSTANTTRANSCRIBER_ENGINE_GPU_DEVICE=1", func(c *Config) { c.Engine.GPUDevice = 1 }},
		{"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=1", func(c *Config) { c.Worker.BeamSize = 1 }},
		{"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true", func(c *Config) { c.URLImport.AllowPrivateNetworks = true }},
		{"INSTANTTRANSCRIBER_URL_IMPORT_MAX_REDIRECTS=0", func(c *Config) { c.URLImport.MaxRedirects = 0 }},
		{"INSTANTTRANSCRIBER_SERVER_MIN_FREE_DISK=0", func(c *Config) { c.Server.MinFreeDisk = 0 }},
		{"INSTANTTRANSCRIBER_METRICS_ADDR=127.0.0.1:9090", func(c *Config) { c.Metrics.Addr = "127.0.0.1:9090" }},
		{"INSTANTTRANSCRIBER_METRICS_REQUIRE_ADMIN_KEY=false", func(c *Config) { c.Metrics.RequireAdminKey = false }},
		// Ignored: not ours, unknown, or malformed.
		{"INSTANTTRANSCRIBER_MODEL=models/other.bin", func(*Config) {}},
		{"INSTANTTRANSCRIBER_SERVER_NOPE=1", func(*Config) {}},
		{"INSTANTTRANSCRIBER_SERVER", func(*Config) {}},
		{"instanttranscriber_server_addr=:1", func(*Config) {}},
		{"PATH=/bin", func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			got := Default()
			if err := got.applyEnv([]string{tt.env}); err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.edit(&want)
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}

	t.Run("last wins", func(t *testing.T) {
		got := Default()
		err := got.applyEnv([]string{"INSTANTTRANSCRIBER_WORKER_WORKERS=2", "INSTANTTRANSCRIBER_WORKER_WORKERS=3"})
		if err != nil || got.Worker.Workers != 3 {
			t.Errorf("workers = %d, %v; want 3", got.Worker.Workers, err)
		}
	})
}

func TestConfigEnvErrors(t *testing.T) {
	tests := []struct {
		env, want string
	}{
		{"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=five", `config: INSTANTTRANSCRIBER_WORKER_BEAM_SIZE: "five" is not a whole number`},
		{"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=", `config: INSTANTTRANSCRIBER_WORKER_BEAM_SIZE: "" is not a whole number`},
		{"INSTANTTRANSCRIBER_JOBS_RETAIN_AUDIO=yes please", `config: INSTANTTRANSCRIBER_JOBS_RETAIN_AUDIO: "yes please" is not true or false`},
		{"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=fast", `config: INSTANTTRANSCRIBER_SERVER_RATE_LIMIT: "fast" is not a number`},
		{"INSTANTTRANSCRIBER_SERVER_SHUTDOWN_TIMEOUT=10", `config: INSTANTTRANSCRIBER_SERVER_SHUTDOWN_TIMEOUT: "10" is not a duration`},
		{"INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES=2 gigs", `config: INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES: "2 gigs" is not a size`},
		{"INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES=99999999999TiB", `config: INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES: size "99999999999TiB" is too large`},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			c := Default()
			err := c.applyEnv([]string{tt.env})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestConfigEnvCoversEveryKey checks that every key has a distinct variable
// and a type the environment can set.
func TestConfigEnvCoversEveryKey(t *testing.T) {
	samples := map[reflect.Type]string{
		reflect.TypeFor[string]():        "x",
		reflect.TypeFor[bool]():          "true",
		reflect.TypeFor[int]():           "7",
		reflect.TypeFor[float64]():       "1.5",
		reflect.TypeFor[time.Duration](): "3s",
		reflect.TypeFor[ByteSize]():      "3KiB",
		// The LLM API key: a string that never prints.
		reflect.TypeFor[summarize.Secret](): "sk-test",
	}
	// Keys whose default is the type's sample.
	pathSamples := map[string]string{"metrics.require_admin_key": "false", "node.api": "false", "node.workers": "false"}
	seen := map[string]string{}
	for _, l := range configLeaves() {
		name := l.envName()
		if other, ok := seen[name]; ok {
			t.Errorf("%s and %s share %s", l.path, other, name)
		}
		seen[name] = l.path
		sample, ok := samples[l.typ]
		if s, found := pathSamples[l.path]; found {
			sample, ok = s, true
		}
		if !ok {
			t.Errorf("%s: no sample for type %s", l.path, l.typ)
			continue
		}
		c := Default()
		if err := c.applyEnv([]string{name + "=" + sample}); err != nil {
			t.Errorf("%s: %v", l.path, err)
		} else if c == Default() {
			t.Errorf("%s=%s changed nothing", name, sample)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" means valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"empty data_dir", func(c *Config) { c.DataDir = "" }, "config: data_dir: must not be empty"},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, `config: log.level: "verbose" is not one of debug, info, warn, error`},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, `config: log.format: "xml" is not one of text, json`},
		{"empty addr", func(c *Config) { c.Server.Addr = "" }, "config: server.addr: must not be empty"},
		{"addr without port", func(c *Config) { c.Server.Addr = "8080" }, `config: server.addr: "8080" is not host:port`},
		{"public_url https with path", func(c *Config) { c.Server.PublicURL = "https://t.example.com/it/" }, ""},
		{"public_url relative", func(c *Config) { c.Server.PublicURL = "/it" }, `config: server.public_url: "/it" must start with http:// or https://`},
		{"public_url ftp", func(c *Config) { c.Server.PublicURL = "ftp://x" }, "config: server.public_url: \"ftp://x\" must start with http"},
		{"public_url no host", func(c *Config) { c.Server.PublicURL = "http:///x" }, `config: server.public_url: "http:///x" has no host`},
		{"public_url query", func(c *Config) { c.Server.PublicURL = "http://x/?a=1" }, `config: server.public_url: "http://x/?a=1" must not have a query`},
		{"public_url empty query", func(c *Config) { c.Server.PublicURL = "http://x/?" }, `config: server.public_url: "http://x/?" must not have a query`},
		{"public_url fragment", func(c *Config) { c.Server.PublicURL = "http://x/#f" }, `config: server.public_url: "http://x/#f" must not have a fragment`},
		{"public_url credentials", func(c *Config) { c.Server.PublicURL = "http://u:p@x/" }, `config: server.public_url: "http://u:p@x/" must not contain credentials`},
		{"shutdown_timeout", func(c *Config) { c.Server.ShutdownTimeout = 0 }, "config: server.shutdown_timeout: must be positive"},
		{"rate_limit negative", func(c *Config) { c.Server.RateLimit = -1 }, "config: server.rate_limit: must be a finite number, 0 or more"},
		{"rate_limit off, burst 0", func(c *Config) { c.Server.RateLimit, c.Server.RateBurst = 0, 0 }, ""},
		{"rate_burst 0", func(c *Config) { c.Server.RateBurst = 0 }, "config: server.rate_burst: must be at least 1 when rate_limit is on"},
		{"rate_burst negative", func(c *Config) { c.Server.RateBurst = -1 }, "config: server.rate_burst: must not be negative"},
		{"download_url_ttl", func(c *Config) { c.Server.DownloadURLTTL = -time.Second }, "config: server.download_url_ttl: must be positive"},
		{"max_upload_bytes", func(c *Config) { c.Limits.MaxUploadBytes = 0 }, "config: limits.max_upload_bytes: must be positive"},
		{"max_audio_duration", func(c *Config) { c.Limits.MaxAudioDuration = 0 }, "config: limits.max_audio_duration: must be positive"},
		{"max_queued_per_key 0", func(c *Config) { c.Limits.MaxQueuedPerKey = 0 }, ""},
		{"max_queued_per_key", func(c *Config) { c.Limits.MaxQueuedPerKey = -1 }, "config: limits.max_queued_per_key: must not be negative"},
		{"idempotency_ttl", func(c *Config) { c.Limits.IdempotencyTTL = 0 }, "config: limits.idempotency_ttl: must be positive"},
		{"probe_concurrency", func(c *Config) { c.Limits.ProbeConcurrency = 0 }, "config: limits.probe_concurrency: must be at least 1"},
		{"probe_wait 0", func(c *Config) { c.Limits.ProbeWait = 0 }, ""},
		{"probe_wait", func(c *Config) { c.Limits.ProbeWait = -time.Second }, "config: limits.probe_wait: must not be negative"},
		{"max_attempts", func(c *Config) { c.Jobs.MaxAttempts = 0 }, "config: jobs.max_attempts: must be at least 1"},
		{"retention_days", func(c *Config) { c.Jobs.RetentionDays = -1 }, "config: jobs.retention_days: must not be negative"},
		{"model_path", func(c *Config) { c.Engine.ModelPath = "" }, "config: engine.model_path: must not be empty"},
		{"vad without model", func(c *Config) { c.Engine.VAD, c.Engine.VADModelPath = true, "" }, "config: engine.vad_model_path: must be set when vad is on"},
		{"no vad, no vad model", func(c *Config) { c.Engine.VADModelPath = "" }, ""},
		{"gpu_device", func(c *Config) { c.Engine.GPUDevice = -1 }, "config: engine.gpu_device: must not be negative"},
		{"workers", func(c *Config) { c.Worker.Workers = -1 }, "config: worker.workers: must not be negative"},
		{"threads_per_job", func(c *Config) { c.Worker.ThreadsPerJob = -1 }, "config: worker.threads_per_job: must not be negative"},
		{"beam_size 0", func(c *Config) { c.Worker.BeamSize = 0 }, "config: worker.beam_size: 0 is outside 1-16"},
		{"beam_size 17", func(c *Config) { c.Worker.BeamSize = 17 }, "config: worker.beam_size: 17 is outside 1-16"},
		{"beam_size 16", func(c *Config) { c.Worker.BeamSize = 16 }, ""},
		{"best_of", func(c *Config) { c.Worker.BestOf = 0 }, "config: worker.best_of: 0 is outside 1-16"},
		{"chunk_length", func(c *Config) { c.Worker.ChunkLength = 4 * time.Second }, "config: worker.chunk_length: 4s is under 5s"},
		{"progress_interval", func(c *Config) { c.Worker.ProgressInterval = 0 }, "config: worker.progress_interval: must be positive"},
		{"shutdown_grace", func(c *Config) { c.Worker.ShutdownGrace = 0 }, "config: worker.shutdown_grace: must be positive"},
		{"connect_timeout", func(c *Config) { c.URLImport.ConnectTimeout = 0 }, "config: url_import.connect_timeout: must be positive"},
		{"header_timeout", func(c *Config) { c.URLImport.HeaderTimeout = 0 }, "config: url_import.header_timeout: must be positive"},
		{"max_redirects 0", func(c *Config) { c.URLImport.MaxRedirects = 0 }, ""},
		{"idle_timeout", func(c *Config) { c.URLImport.IdleTimeout = 0 }, "config: url_import.idle_timeout: must be positive"},
		{"download_timeout", func(c *Config) { c.URLImport.DownloadTimeout = 0 }, "config: url_import.download_timeout: must be positive"},
		{"download_workers", func(c *Config) { c.Worker.DownloadWorkers = 0 }, "config: worker.download_workers: must be at least 1"},
		{"max_redirects", func(c *Config) { c.URLImport.MaxRedirects = -1 }, "config: url_import.max_redirects: must not be negative"},
		{"min_free_disk 0", func(c *Config) { c.Server.MinFreeDisk = 0 }, ""},
		{"min_free_disk", func(c *Config) { c.Server.MinFreeDisk = -1 }, "config: server.min_free_disk: must not be negative"},
		{"models", func(c *Config) { c.Engine.Models = "tiny=a.bin small=b.bin"; c.Engine.DefaultModel = "small" }, ""},
		{"models pair", func(c *Config) { c.Engine.Models = "tiny" }, `config: engine.models: "tiny" is not name=path`},
		{"models twice", func(c *Config) { c.Engine.Models = "a=x a=y" }, `config: engine.models: model "a" is listed twice`},
		{"models alias", func(c *Config) { c.Engine.Models = "whisper-1=x" }, `config: engine.models: model name "whisper-1": use 1-64 letters, digits, '.', '_' or '-' (and not whisper-1, the alias of the default)`},
		{"default_model unknown", func(c *Config) { c.Engine.Models = "a=x"; c.Engine.DefaultModel = "b" }, `config: engine.default_model: "b" is not in engine.models`},
		{"default_model alone", func(c *Config) { c.Engine.DefaultModel = "b" }, "config: engine.default_model: needs engine.models"},
		{"model_memory_budget", func(c *Config) { c.Engine.ModelMemoryBudget = -1 }, "config: engine.model_memory_budget: must not be negative"},
		{"metrics addr", func(c *Config) { c.Metrics.Addr = "127.0.0.1:9090" }, ""},
		{"metrics addr without port", func(c *Config) { c.Metrics.Addr = "9090" }, `config: metrics.addr: "9090" is not host:port`},
		{"metrics addr is server addr", func(c *Config) { c.Metrics.Addr = ":8080" }, `config: metrics.addr: ":8080" is server.addr`},
		{"webhook workers 0", func(c *Config) { c.Webhook.Workers = 0 }, ""},
		{"webhook workers", func(c *Config) { c.Webhook.Workers = -1 }, "config: webhook.workers: must not be negative"},
		{"webhook per_host", func(c *Config) { c.Webhook.PerHost = -1 }, "config: webhook.per_host: must not be negative"},
		{"webhook timeout", func(c *Config) { c.Webhook.Timeout = -time.Second }, "config: webhook.timeout: must not be negative"},
		{"webhook jitter 0", func(c *Config) { c.Webhook.Jitter = 0 }, ""},
		{"webhook jitter 1", func(c *Config) { c.Webhook.Jitter = 1 }, "config: webhook.jitter: 1 is outside [0, 1)"},
		{"webhook jitter negative", func(c *Config) { c.Webhook.Jitter = -0.1 }, "config: webhook.jitter: -0.1 is outside [0, 1)"},
		{"webhook max_retry_after", func(c *Config) { c.Webhook.MaxRetryAfter = -1 }, "config: webhook.max_retry_after: must not be negative"},
		{"webhook shutdown_grace", func(c *Config) { c.Webhook.ShutdownGrace = -1 }, "config: webhook.shutdown_grace: must not be negative"},
		{"retry_schedule", func(c *Config) { c.Webhook.RetrySchedule = "0s, 1m,1h" }, ""},
		{"retry_schedule empty", func(c *Config) { c.Webhook.RetrySchedule = " " }, "config: webhook.retry_schedule: needs at least one delay"},
		{"retry_schedule first", func(c *Config) { c.Webhook.RetrySchedule = "1s 5s" }, "config: webhook.retry_schedule: the first delay must be 0s"},
		{"retry_schedule negative", func(c *Config) { c.Webhook.RetrySchedule = "0s -5s" }, `config: webhook.retry_schedule: "-5s" is not a duration`},
		{"retry_schedule 100", func(c *Config) { c.Webhook.RetrySchedule = strings.Repeat("0s ", 100) }, ""},
		{"retry_schedule 101", func(c *Config) { c.Webhook.RetrySchedule = strings.Repeat("0s ", 101) }, "config: webhook.retry_schedule: has 101 delays; at most 100"},
		{"llm ollama", func(c *Config) { c.Summary.LLM.BaseURL, c.Summary.LLM.Model = "http://localhost:11434/v1", "llama3.2" }, ""},
		{"llm no model", func(c *Config) { c.Summary.LLM.BaseURL = "http://localhost:11434/v1" }, "config: summary.llm.model: must be set with summary.llm.base_url"},
		{"llm bad scheme", func(c *Config) { c.Summary.LLM.BaseURL, c.Summary.LLM.Model = "ftp://user:hunter2@host/v1", "m" }, "config: summary.llm.base_url: is not an http or https URL"},
		{"llm no host", func(c *Config) { c.Summary.LLM.BaseURL, c.Summary.LLM.Model = "localhost:11434", "m" }, "config: summary.llm.base_url: is not an http or https URL"},
		{"llm timeout", func(c *Config) { c.Summary.LLM.Timeout = -time.Second }, "config: summary.llm.timeout: must not be negative"},
		{"llm max_retries negative", func(c *Config) { c.Summary.LLM.MaxRetries = -1 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("got error %v, want one starting %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("one bad field gave several errors: %v", err)
			case err != nil && strings.Contains(err.Error(), "hunter2"):
				t.Errorf("got error %v; it leaks a password", err)
			}
		})
	}

	t.Run("reports every field", func(t *testing.T) {
		c := Default()
		c.DataDir, c.Worker.BeamSize = "", 0
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "data_dir") || !strings.Contains(err.Error(), "worker.beam_size") {
			t.Errorf("got error %v, want both data_dir and worker.beam_size", err)
		}
	})
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		err  string
	}{
		{in: "0", want: 0},
		{in: "1073741824", want: 1 << 30},
		{in: "1B", want: 1},
		{in: "1KB", want: 1000},
		{in: "500MB", want: 500_000_000},
		{in: "2GB", want: 2_000_000_000},
		{in: "1TB", want: 1_000_000_000_000},
		{in: "512KiB", want: 512 << 10},
		{in: "3MiB", want: 3 << 20},
		{in: "1GiB", want: 1 << 30},
		{in: "2TiB", want: 2 << 40},
		{in: "1gib", want: 1 << 30},
		{in: " 500 MB ", want: 500_000_000},
		{in: "8589934591GiB", want: 8589934591 << 30},
		{in: "", err: "is not a size"},
		{in: "GiB", err: "is not a size"},
		{in: "-1", err: "is not a size"},
		{in: "+1", err: "is not a size"},
		{in: "1.5GiB", err: "is not a size"},
		{in: "1 G", err: "is not a size"},
		{in: "1PiB", err: "is not a size"},
		{in: "8589934592GiB", err: "is too large"},
		{in: "99999999999999999999", err: "is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseByteSize(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("ParseByteSize(%q) = %d, %v; want error containing %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseByteSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestByteSizeString(t *testing.T) {
	tests := []struct {
		in   ByteSize
		want string
	}{
		{0, "0B"},
		{1, "1B"},
		{1023, "1023B"},
		{1024, "1KiB"},
		{1000, "1KB"},
		{1 << 30, "1GiB"},
		{500 * MB, "500MB"},
		{1536 * KiB, "1536KiB"},
		{3 * TiB, "3TiB"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func FuzzParseByteSize(f *testing.F) {
	for _, s := range []string{"0", "1GiB", "500 MB", "-1", "1.5KB", "99999999999TiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseByteSize(s)
		if err != nil {
			return
		}
		if b < 0 {
			t.Fatalf("ParseByteSize(%q) = %d, negative", s, b)
		}
		again, err := ParseByteSize(b.String())
		if err != nil || again != b {
			t.Fatalf("ParseByteSize(%q) = %d; its String %q parses as %d, %v", s, b, b.String(), again, err)
		}
	})
}

func TestConfigComponents(t *testing.T) {
	c := Default()

	// The server's view of the defaults, field by field as docs/configuration.md states them.
	if s := c.ServerConfig(); s.Addr != ":8080" || s.PublicURL != "" || s.ShutdownTimeout != 10*time.Second ||
		s.AudioDir != filepath.Join("data", "audio") || s.MaxUploadBytes != 1<<30 || s.MaxAudioDuration != 4*time.Hour ||
		s.MaxQueuedPerKey != 100 || s.MaxAttempts != 3 || s.RateLimit != 20 || s.RateBurst != 40 ||
		s.IdempotencyTTL != 24*time.Hour || s.DownloadURLTTL != 7*24*time.Hour || s.RetainAudio || s.AllowPrivateNetworks ||
		s.MinFreeDisk != 1<<30 || s.ModelPath != "models/ggml-tiny-q8_0.bin" || s.Models != nil ||
		s.MetricsSeparate || s.MetricsOpen || s.ProbeConcurrency != 4 || s.ProbeWait != 10*time.Second {
		t.Errorf("ServerConfig() of the defaults = %+v", s)
	}
	wantWebhook := webhook.DefaultConfig()
	wantWebhook.UserAgentVersion = "1.2.3"
	if got := c.WebhookConfig("1.2.3"); !reflect.DeepEqual(got, wantWebhook) {
		t.Errorf("WebhookConfig() of the defaults:\n got %+v\nwant %+v", got, wantWebhook)
	}
	if got, want := c.EngineConfig(), (engine.Config{ModelPath: "models/ggml-tiny-q8_0.bin"}); got != want {
		t.Errorf("EngineConfig() = %+v, want %+v", got, want)
	}
	if got, want := c.NetguardConfig(), netguard.DefaultConfig(); got != want {
		t.Errorf("NetguardConfig() = %+v, want netguard.DefaultConfig() %+v", got, want)
	}
	wantWorker := jobs.DefaultConfig()
	wantWorker.BestOf = 5
	wantWorker.ChunkLength = 10 * time.Minute
	wantWorker.AudioDir = filepath.Join("data", "audio")
	wantWorker.VADModelPath = "models/ggml-silero-v6.2.0.bin"
	if got := c.WorkerConfig(); got != wantWorker {
		t.Errorf("WorkerConfig() = %+v, want %+v", got, wantWorker)
	}
	wantJanitor := jobs.JanitorConfig{Interval: jobs.DefaultJanitorInterval, AudioDir: filepath.Join("data", "audio")}
	if got := c.JanitorConfig(); got != wantJanitor {
		t.Errorf("JanitorConfig() = %+v, want %+v", got, wantJanitor)
	}

	c.DataDir = "/srv/it"
	c.Server.PublicURL = "https://t.example.com/it/"
	c.Limits.MaxUploadBytes = 2 * GiB
	c.Jobs.RetainAudio = true
	c.Jobs.RetentionDays = 30
	c.Engine.VAD = true
	c.Engine.DisableGPU = true
	c.Engine.GPUDevice = 1
	c.URLImport.AllowPrivateNetworks = true
	c.URLImport.MaxRedirects = 0
	c.Server.MinFreeDisk = 5 * GiB
	c.Metrics.Addr = "127.0.0.1:9090"
	c.Metrics.RequireAdminKey = false

	if got, want := c.StorePath(), "/srv/it/instanttranscriber.db"; got != want {
		t.Errorf("StorePath() = %q, want %q", got, want)
	}
	s := c.ServerConfig()
	if s.AudioDir != "/srv/it/audio" || s.PublicURL != "https://t.example.com/it" || s.MaxUploadBytes != 2<<30 ||
		!s.RetainAudio || !s.AllowPrivateNetworks || s.MinFreeDisk != 5<<30 || !s.MetricsSeparate || !s.MetricsOpen {
		t.Errorf("ServerConfig() = %+v", s)
	}
	e := c.EngineConfig()
	if !e.DisableGPU || e.GPUDevice != 1 {
		t.Errorf("EngineConfig() = %+v", e)
	}
	w := c.WorkerConfig()
	if w.AudioDir != "/srv/it/audio" || w.MaxDownloadBytes != 2<<30 || !w.RetainAudio || !w.VAD {
		t.Errorf("WorkerConfig() = %+v", w)
	}
	if j := c.JanitorConfig(); j.RetentionDays != 30 || j.AudioDir != "/srv/it/audio" {
		t.Errorf("JanitorConfig() = %+v", j)
	}
	n := c.NetguardConfig()
	if !n.AllowPrivateNetworks || n.MaxRedirects >= 0 {
		t.Errorf("NetguardConfig() = %+v, want private networks allowed and no redirects (negative)", n)
	}
}

func TestConfigLogLevel(t *testing.T) {
	for level, want := range map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError, "bogus": slog.LevelInfo,
	} {
		c := Default()
		c.Log.Level = level
		if got := c.LogLevel(); got != want {
			t.Errorf("LogLevel() for %q = %v, want %v", level, got, want)
		}
	}
}

func TestModelPaths(t *testing.T) {
	c := Default()
	paths, def, err := c.ModelPaths()
	if err != nil || def != "ggml-tiny-q8_0" || len(paths) != 1 || paths[def] != c.Engine.ModelPath {
		t.Errorf("ModelPaths of the defaults = %v, %q, %v; want model_path named ggml-tiny-q8_0", paths, def, err)
	}
	if got := c.ServerConfig().Models; got != nil {
		t.Errorf("ServerConfig().Models without engine.models = %v, want nil", got)
	}
	c.Engine.Models = "small=s.bin tiny=t.bin large=l.bin"
	if _, def, _ := c.ModelPaths(); def != "small" {
		t.Errorf("default without default_model = %q, want the first, small", def)
	}
	c.Engine.DefaultModel = "tiny"
	if got := c.ServerConfig().Models; !reflect.DeepEqual(got, []string{"tiny", "large", "small"}) {
		t.Errorf("ServerConfig().Models = %v, want the default first, then sorted", got)
	}
	if got := c.EngineConfig().ModelPath; got != "t.bin" {
		t.Errorf("EngineConfig().ModelPath = %q, want the default's t.bin", got)
	}
}

func TestConfigStoreDriver(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string // "" for valid, else a substring of the error
	}{
		{nil, ""},
		{[]string{"INSTANTTRANSCRIBER_STORE_DRIVER=postgres"}, "store.postgres_url"},
		{[]string{"INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL=postgres://u:hunter2@db/x"}, ""},
		{[]string{"INSTANTTRANSCRIBER_STORE_DRIVER=mysql"}, "store.driver"},
		{[]string{"INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL=postgres://db/x",
			"INSTANTTRANSCRIBER_STORE_LEASE=3s", "INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=2s"}, "store.lease"},
		{[]string{"INSTANTTRANSCRIBER_NODE_API=false", "INSTANTTRANSCRIBER_NODE_WORKERS=false"}, "node"},
	} {
		c := Default()
		if err := c.applyEnv(tc.env); err != nil {
			t.Fatal(err)
		}
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: err = %v, want one naming %s", tc.env, err, tc.want)
		}
	}
	c := Default()
	c.Store.PostgresURL = "postgres://u:hunter2@db/x"
	if s := fmt.Sprint(c.Store); strings.Contains(s, "hunter2") {
		t.Fatalf("store section prints its URL: %s", s)
	}
}
