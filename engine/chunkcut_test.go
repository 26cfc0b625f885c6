//go:build whisper

package engine

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCutPoint(t *testing.T) {
	// 60 s of loud noise-like signal with a 200 ms pause at 45.3 s.
	samples := make([]float32, 60*sampleRate)
	for i := range samples {
		samples[i] = float32((i*7919)%200-100) / 100
	}
	pause := 45*sampleRate + 3*cutFrame
	clear(samples[pause : pause+2*cutFrame])
	n := chunkSamples(50 * time.Second)

	// The pause lies in the last fifth of the first window: the cut is in it.
	if got := cutPoint(samples, 0, n); got < pause || got > pause+2*cutFrame {
		t.Errorf("cut at %v, want inside the pause at %v", dur(got), dur(pause))
	}
	// The rest fits in one window.
	if got := cutPoint(samples, 20*sampleRate, n); got != len(samples) {
		t.Errorf("cut at %d, want the end %d", got, len(samples))
	}
	// No pause in reach: the cut stays within the window's last fifth.
	got := cutPoint(samples, pause+2*cutFrame, chunkSamples(10*time.Second))
	if lo, hi := pause+2*cutFrame+8*sampleRate, pause+2*cutFrame+10*sampleRate; got < lo || got > hi {
		t.Errorf("cut at %v, want within %v-%v", dur(got), dur(lo), dur(hi))
	}
}

func dur(samples int) time.Duration { return time.Duration(samples) * time.Second / sampleRate }

func TestPromptTail(t *testing.T) {
	if got := promptTail("  short text "); got != "short text" {
		t.Errorf("got %q", got)
	}
	long := strings.Repeat("wörd ", 400) + "last"
	got := promptTail(long)
	if len(got) > promptBytes || !strings.HasPrefix(got, "wörd ") || !strings.HasSuffix(got, " last") {
		t.Errorf("tail of %d bytes %q...: want at most %d, from a word, to the end", len(got), got[:20], promptBytes)
	}
	// One long run without spaces still yields valid UTF-8.
	if got := promptTail(strings.Repeat("語", 1000)); !utf8.ValidString(got) || len(got) > promptBytes {
		t.Errorf("tail %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}
