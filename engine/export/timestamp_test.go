package export

import (
	"testing"
	"time"
)

func TestFormatTimestamp(t *testing.T) {
	tests := []struct {
		in       time.Duration
		srt, vtt string
	}{
		{0, "00:00:00,000", "00:00:00.000"},
		{1230 * time.Millisecond, "00:00:01,230", "00:00:01.230"},
		{1999600 * time.Microsecond, "00:00:02,000", "00:00:02.000"},
		{-5 * time.Second, "00:00:00,000", "00:00:00.000"},
		{time.Hour + 2*time.Minute + 3*time.Second + 4*time.Millisecond, "01:02:03,004", "01:02:03.004"},
		{99*time.Hour + 59*time.Minute + 59*time.Second + 999*time.Millisecond, "99:59:59,999", "99:59:59.999"},
		{100 * time.Hour, "100:00:00,000", "100:00:00.000"},
		{12345 * time.Hour, "12345:00:00,000", "12345:00:00.000"},
	}
	for _, tt := range tests {
		if got := formatTimestamp(tt.in, ','); got != tt.srt {
			t.Errorf("formatTimestamp(%v, ',') = %q, want %q", tt.in, got, tt.srt)
		}
		if got := formatTimestamp(tt.in, '.'); got != tt.vtt {
			t.Errorf("formatTimestamp(%v, '.') = %q, want %q", tt.in, got, tt.vtt)
		}
	}
}

func TestClampTime(t *testing.T) {
	tests := []struct {
		in, want time.Duration
	}{
		{-time.Second, 0},
		{1500 * time.Microsecond, 2 * time.Millisecond},
		{1400 * time.Microsecond, time.Millisecond},
		{time.Duration(1<<63 - 1), maxTime},
	}
	for _, tt := range tests {
		if got := clampTime(tt.in); got != tt.want {
			t.Errorf("clampTime(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
