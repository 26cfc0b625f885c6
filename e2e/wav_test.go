package e2e

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"
)

// TestWAVDecodes: the project's own decoder reads WAV's output back as the
// samples given, within 16-bit precision, clipping out-of-range ones.
func TestWAVDecodes(t *testing.T) {
	in := []float32{0, 0.5, -0.5, 1, -1, 2, -2, 0.25}
	pcm, err := audio.Decode(context.Background(), bytes.NewReader(WAV(in)), audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pcm.Samples) != len(in) {
		t.Fatalf("decoded %d samples; want %d", len(pcm.Samples), len(in))
	}
	for i, s := range in {
		want := max(-1, min(1, s))
		if got := pcm.Samples[i]; math.Abs(float64(got-want)) > 1.0/16384 {
			t.Errorf("sample %d = %v; want %v", i, got, want)
		}
	}
}
