package diarize

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPitchOfHarmonicTone(t *testing.T) {
	for _, f0 := range []float64{80, 120, 210, 350} {
		x := make([]float32, sampleRate)
		for i := range x {
			var v float64
			for h := 1; h <= 10; h++ { // a buzzy voice-like tone
				v += math.Sin(2*math.Pi*f0*float64(h)*float64(i)/sampleRate) / float64(h)
			}
			x[i] = float32(0.2 * v)
		}
		got, ok := newPitcher().logF0(x, sampleRate/2)
		if !ok {
			t.Fatalf("%v Hz: not voiced", f0)
		}
		if hz := math.Exp(got); math.Abs(hz-f0) > 0.02*f0 {
			t.Errorf("%v Hz: got %.1f Hz", f0, hz)
		}
	}
}

func TestPitchOfNoiseIsUnvoiced(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, sampleRate)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 0.1)
	}
	if _, ok := newPitcher().logF0(x, sampleRate/2); ok {
		t.Error("white noise voiced, want unvoiced")
	}
	if _, ok := newPitcher().logF0(make([]float32, sampleRate), sampleRate/2); ok {
		t.Error("silence voiced, want unvoiced")
	}
}
