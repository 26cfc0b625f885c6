package webhook

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("zero Config: %v", err)
	}
	tests := []struct {
		field string
		edit  func(c *Config)
	}{
		{"workers", func(c *Config) { c.Workers = -1 }},
		{"per_host", func(c *Config) { c.PerHost = -1 }},
		{"timeout", func(c *Config) { c.Timeout = -time.Second }},
		{"schedule[0]", func(c *Config) { c.Schedule = []time.Duration{time.Second} }},
		{"schedule[2]", func(c *Config) { c.Schedule = []time.Duration{0, time.Second, -time.Second} }},
		{"schedule has", func(c *Config) { c.Schedule = make([]time.Duration, 101) }},
		{"jitter", func(c *Config) { c.Jitter = 1 }},
		{"jitter", func(c *Config) { c.Jitter = -0.1 }},
		{"max_retry_after", func(c *Config) { c.MaxRetryAfter = -1 }},
		{"poll_interval", func(c *Config) { c.PollInterval = -1 }},
		{"shutdown_grace", func(c *Config) { c.ShutdownGrace = -1 }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Validate with a bad %s = %v; want an error naming it", tt.field, err)
		}
	}
}

func TestConfigYAML(t *testing.T) {
	src := `
workers: 4
per_host: 1
timeout: 10s
schedule: [0s, 1m, 1h]
jitter: 0.2
max_retry_after: 30m
poll_interval: 500ms
shutdown_grace: 3s
`
	var got Config
	if err := yaml.Unmarshal([]byte(src), &got); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Workers: 4, PerHost: 1, Timeout: 10 * time.Second,
		Schedule: []time.Duration{0, time.Minute, time.Hour}, Jitter: 0.2,
		MaxRetryAfter: 30 * time.Minute, PollInterval: 500 * time.Millisecond, ShutdownGrace: 3 * time.Second,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v; want %+v", got, want)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{"Sun, 01 Mar 2026 12:30:00 GMT", 30 * time.Minute, true},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0, true},
		{"99999999999999999", maxRetryAfterSeconds * time.Second, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestHostKey(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://Hooks.Example.com/x?y=1", "hooks.example.com:443"},
		{"http://hooks.example.com/x", "hooks.example.com:80"},
		{"http://127.0.0.1:8080/x", "127.0.0.1:8080"},
		{"http://127.0.0.1:8081/x", "127.0.0.1:8081"},
		{"https://[::1]:9000/", "[::1]:9000"},
	}
	for _, tt := range tests {
		if got := hostKey(tt.url); got != tt.want {
			t.Errorf("hostKey(%q) = %q; want %q", tt.url, got, tt.want)
		}
	}
}
