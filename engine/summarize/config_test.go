package summarize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

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
