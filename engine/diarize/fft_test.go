package diarize

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naivePower is the textbook DFT power spectrum, the reference for realFFT.
func naivePower(x []float64) []float64 {
	n := len(x)
	out := make([]float64, n/2+1)
	for k := range out {
		var re, im float64
		for t, v := range x {
			s, c := math.Sincos(-2 * math.Pi * float64(k*t) / float64(n))
			re += v * c
			im += v * s
		}
		out[k] = re*re + im*im
	}
	return out
}

func TestRealFFTMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{4, 8, 64, 512} {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.Float64()*2 - 1
		}
		got := make([]float64, n/2+1)
		newRealFFT(n).power(x, got)
		want := naivePower(x)
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-9*(1+want[k]) {
				t.Fatalf("n=%d: power[%d] = %g, want %g", n, k, got[k], want[k])
			}
		}
	}
}

func TestRealFFTPureTone(t *testing.T) {
	const n, bin = 512, 37
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Cos(2 * math.Pi * bin * float64(i) / n)
	}
	got := make([]float64, n/2+1)
	newRealFFT(n).power(x, got)
	for k, p := range got {
		want := 0.0
		if k == bin {
			want = n * n / 4
		}
		if math.Abs(p-want) > 1e-6 {
			t.Errorf("power[%d] = %g, want %g", k, p, want)
		}
	}
}
