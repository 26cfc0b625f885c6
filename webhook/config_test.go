package webhook

import (
	"testing"
	"time"
)

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
