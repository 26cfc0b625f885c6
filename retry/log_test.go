package retry

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestErrLog(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	e := NewLog(logger, "claim job failed", func() time.Time { return now })
	for i := 1; i <= 3; i++ {
		if n := e.Fail(errTest); n != i {
			t.Errorf("fail #%d returned %d", i, n)
		}
	}
	now = t0.Add(LogEvery)
	e.Fail(errTest)
	e.Ok()
	e.Ok()
	tests := []struct {
		parts []string
		want  int
	}{
		{[]string{"level=ERROR", "claim job failed", "failures=1"}, 1},
		{[]string{"level=ERROR", "claim job failed", "failures=4"}, 1},
		{[]string{"level=ERROR"}, 2},
		{[]string{"level=INFO", "claim job failed: recovered", "failures=4"}, 1},
		{[]string{"recovered"}, 1},
	}
	for _, tt := range tests {
		if got := countLines(logs.String(), tt.parts...); got != tt.want {
			t.Errorf("log lines with %q = %d; want %d\n%s", tt.parts, got, tt.want, logs.String())
		}
	}
}

var errTest = errorString("disk on fire")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {7, time.Minute}, {100, time.Minute},
	}
	for _, tt := range tests {
		if got := Backoff(time.Second, tt.n); got != tt.want {
			t.Errorf("Backoff(1s, %d) = %v; want %v", tt.n, got, tt.want)
		}
	}
	if got := Backoff(2*time.Minute, 3); got != 2*time.Minute {
		t.Errorf("backoff above the cap = %v; want the poll interval itself", got)
	}
}

// countLines counts the lines of logs that hold every one of parts.
func countLines(logs string, parts ...string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}
