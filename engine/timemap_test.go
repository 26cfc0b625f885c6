//go:build whisper

package engine

import (
	"testing"
	"time"
)

func TestCompactAndMap(t *testing.T) {
	// 10 s of audio at 16 kHz with speech at 2-3 s and 6-8 s.
	samples := make([]float32, 10*16000)
	for i := range samples {
		samples[i] = float32(i)
	}
	spans := []span{{2 * 16000, 3 * 16000}, {6 * 16000, 8 * 16000}}
	out, tm := compact(samples, spans)

	// 1 s + 0.1 s overlap + 0.1 s gap + 2 s.
	if got, want := len(out), 16000+vadOverlapSamples+vadGapSamples+2*16000; got != want {
		t.Fatalf("compacted length = %d, want %d", got, want)
	}
	if got, want := out[0], float32(2*16000); got != want {
		t.Errorf("first compacted sample = %v, want %v (start of the first span)", got, want)
	}
	second := 16000 + vadOverlapSamples + vadGapSamples
	if got, want := out[second], float32(6*16000); got != want {
		t.Errorf("first sample of the second span = %v, want %v", got, want)
	}

	ms := time.Millisecond
	tests := []struct {
		processed, want time.Duration
	}{
		{0, 2 * time.Second},                // start of speech
		{500 * ms, 2500 * ms},               // inside the first span
		{1000 * ms, 3 * time.Second},        // end of the first span
		{1200 * ms, 6 * time.Second},        // after the gap: the second span
		{2200 * ms, 7 * time.Second},        // inside the second span
		{3200 * ms, 8 * time.Second},        // its end
		{3400 * ms, 8*time.Second + 200*ms}, // past the end: linear
	}
	for _, tc := range tests {
		if got := tm.original(tc.processed); got != tc.want {
			t.Errorf("original(%v) = %v, want %v", tc.processed, got, tc.want)
		}
	}
	for i := 1; i < len(tm); i++ {
		if tm[i].processed <= tm[i-1].processed || tm[i].original < tm[i-1].original {
			t.Errorf("map not increasing at %d: %+v", i, tm)
		}
	}
}
