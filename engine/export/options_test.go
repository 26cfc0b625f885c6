package export

import (
	"testing"
	"time"
)

func TestCaptionOptionsDefaults(t *testing.T) {
	tests := []struct {
		name    string
		in, out CaptionOptions
	}{
		{"zero is the defaults", CaptionOptions{}, DefaultCaptionOptions()},
		{"negative is the defaults, no minimum", CaptionOptions{MaxLineLength: -1, MaxLines: -1, MaxCueDuration: -1, MinCueDuration: -1}, CaptionOptions{42, 2, 7 * time.Second, time.Millisecond}},
		{"kept", CaptionOptions{30, 3, 5 * time.Second, 500 * time.Millisecond}, CaptionOptions{30, 3, 5 * time.Second, 500 * time.Millisecond}},
		{"bounded", CaptionOptions{1000, 100, 100 * time.Hour, 50 * time.Hour}, CaptionOptions{200, 10, 24 * time.Hour, 24 * time.Hour}},
		{"min at most max", CaptionOptions{MaxCueDuration: time.Second, MinCueDuration: 2 * time.Second}, CaptionOptions{42, 2, time.Second, time.Second}},
		{"rounded to ms", CaptionOptions{MaxCueDuration: 1500 * time.Microsecond, MinCueDuration: 100 * time.Microsecond}, CaptionOptions{42, 2, 2 * time.Millisecond, time.Millisecond}},
	}
	for _, tt := range tests {
		if got := tt.in.withDefaults(); got != tt.out {
			t.Errorf("%s: %+v.withDefaults() = %+v, want %+v", tt.name, tt.in, got, tt.out)
		}
	}
	want := CaptionOptions{MaxLineLength: 42, MaxLines: 2, MaxCueDuration: 7 * time.Second, MinCueDuration: time.Second}
	if got := DefaultCaptionOptions(); got != want {
		t.Errorf("DefaultCaptionOptions() = %+v, want %+v", got, want)
	}
}
