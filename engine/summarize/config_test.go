package summarize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestConfigYAML(t *testing.T) {
	const doc = `
llm:
  base_url: http://localhost:11434/v1
  model: llama3.2
  api_key: sk-from-file
  timeout: 30s
  max_retries: 3
  max_input_chars: 1000
`
	var got Config
	if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatal(err)
	}
	want := Config{LLM: LLMConfig{
		BaseURL: "http://localhost:11434/v1", Model: "llama3.2", APIKey: "sk-from-file",
		Timeout: 30 * time.Second, MaxRetries: 3, MaxInputChars: 1000,
	}}
	if got != want {
		t.Errorf("got %+v, want %+v", got.LLM, want.LLM)
	}
	if got.LLM.APIKey.Reveal() != "sk-from-file" {
		t.Errorf("Reveal() = %q, want the key from the file", got.LLM.APIKey.Reveal())
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   LLMConfig
		want LLMConfig
	}{
		{"zero", LLMConfig{}, LLMConfig{Timeout: DefaultTimeout, MaxRetries: DefaultMaxRetries, MaxInputChars: DefaultMaxInputChars}},
		{"set", LLMConfig{Timeout: time.Second, MaxRetries: 5, MaxInputChars: 10}, LLMConfig{Timeout: time.Second, MaxRetries: 5, MaxInputChars: 10}},
		{"no retries", LLMConfig{MaxRetries: -1}, LLMConfig{Timeout: DefaultTimeout, MaxRetries: 0, MaxInputChars: DefaultMaxInputChars}},
	}
	for _, tt := range tests {
		if got := tt.in.withDefaults(); got != tt.want {
			t.Errorf("%s: withDefaults() = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		llm  LLMConfig
		want string // a substring of the error; "" for none
	}{
		{"off", LLMConfig{}, ""},
		{"ollama", LLMConfig{BaseURL: "http://localhost:11434/v1", Model: "llama3.2"}, ""},
		{"https", LLMConfig{BaseURL: "https://api.example.com/v1", Model: "m", APIKey: "k"}, ""},
		{"no model", LLMConfig{BaseURL: "http://localhost:11434/v1"}, "llm.model"},
		{"bad scheme", LLMConfig{BaseURL: "ftp://user:hunter2@host/v1", Model: "m"}, "llm.base_url"},
		{"no host", LLMConfig{BaseURL: "localhost:11434", Model: "m"}, "llm.base_url"},
		{"negative timeout", LLMConfig{Timeout: -time.Second}, "llm.timeout"},
		{"negative max input", LLMConfig{MaxInputChars: -1}, "llm.max_input_chars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Config{LLM: tt.llm}.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error naming %s", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "hunter2"):
				t.Errorf("Validate() = %v leaks the URL's password", err)
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const key = "sk-live-0123456789"
	cfg := LLMConfig{BaseURL: "http://user:pw-0123@localhost/v1", APIKey: key}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("config", "key", cfg.APIKey, "llm", cfg)
	logger.Info("config", slog.Any("key", cfg.APIKey))
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", cfg.APIKey),
		"%s":   fmt.Sprintf("%s", cfg.APIKey),
		"%q":   fmt.Sprintf("%q", cfg.APIKey),
		"%x":   fmt.Sprintf("%x", cfg.APIKey),
		"%+v":  fmt.Sprintf("%+v", cfg),
		"%#v":  fmt.Sprintf("%#v", cfg),
		"json": string(js),
		"slog": logs.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, key) || strings.Contains(out, fmt.Sprintf("%x", key)) {
			t.Errorf("%s output %q contains the key", name, out)
		}
	}
	if !strings.Contains(logs.String(), `"api_key":"[redacted]"`) || strings.Contains(logs.String(), "pw-0123") {
		t.Errorf("log %s does not redact the config", logs.String())
	}
	if got := Secret("").String(); got != "" {
		t.Errorf("empty Secret prints %q, want \"\"", got)
	}
}
