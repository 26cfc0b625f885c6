package config

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary YAML to ParseConfig. It must never
// panic; an error names a config problem ("config: ..."); a parsed config
// must survive Validate and the component conversions without panicking.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../config.example.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"server:\n  addr: \":9000\"\n  rate_limit: 1.5\n",
		"limits:\n  max_upload_bytes: 10 MiB\n  max_audio_duration: 1h\n",
		"webhook:\n  retry_schedule: \"1s 5s 1m\"\n  jitter: 0.2\n",
		"engine: [1, 2]\n",
		"server: {addr: &a x, public_url: *a}\n",
		"limits:\n  max_upload_bytes: -1\n",
		"a: &a [*a]\n",
		"worker:\n  beam_size: 99999999999999999999\n",
		"summary:\n  llm:\n    api_key: sk-secret\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config: ") {
				t.Fatalf("error %q does not start with config:", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			return
		}
		cfg.ServerConfig()
		cfg.EngineConfig()
		cfg.WorkerConfig()
		cfg.JanitorConfig()
		cfg.WebhookConfig("fuzz")
		cfg.SummaryConfig()
		cfg.NetguardConfig()
		cfg.LogLevel()
	})
}
