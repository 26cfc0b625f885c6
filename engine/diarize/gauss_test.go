package diarize

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGaussianLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	// Correlated frames: x = A·z + b.
	var a [statDim][statDim]float64
	for i := range a {
		for j := range a[i] {
			a[i][j] = rng.NormFloat64() * 0.3
		}
		a[i][i] += 1
	}
	frames := make([][]float32, 500)
	f0 := make([]float64, len(frames))
	var s stats
	for n := range frames {
		x := make([]float32, statDim)
		for i := range x {
			v := float64(i)
			for j := range statDim {
				v += a[i][j] * rng.NormFloat64()
			}
			x[i] = float32(v)
		}
		frames[n] = x
		f0[n] = math.NaN()
		if n%3 != 0 {
			f0[n] = math.Log(120) + 0.1*rng.NormFloat64()
		}
		s.add(x, f0[n])
	}
	g, ok := fit(&s)
	if !ok {
		t.Fatal("fit failed")
	}
	for i := range statDim {
		if math.Abs(g.mean[i]-float64(i)) > 0.3 {
			t.Errorf("mean[%d] = %.2f, want about %d", i, g.mean[i], i)
		}
	}
	if math.Abs(g.pitchMean-math.Log(120)) > 0.02 {
		t.Errorf("pitch mean %.3f, want about %.3f", g.pitchMean, math.Log(120))
	}

	// The statistics shortcut equals the sum of per-frame densities.
	var want float64
	for n, x := range frames {
		var one stats
		one.add(x, f0[n])
		want += g.logLik(&one)
	}
	var direct float64
	for n, x := range frames {
		var q float64
		for i := range statDim {
			for j := range statDim {
				q += (float64(x[i]) - g.mean[i]) * g.prec[i*statDim+j] * (float64(x[j]) - g.mean[j])
			}
		}
		direct += -0.5 * (statDim*math.Log(2*math.Pi) + g.logdet + q)
		if !math.IsNaN(f0[n]) {
			d := f0[n] - g.pitchMean
			direct += -0.5 * (math.Log(2*math.Pi*g.pitchVar) + d*d/g.pitchVar)
		}
	}
	got := g.logLik(&s)
	if math.Abs(got-want) > 1e-6*math.Abs(want) || math.Abs(got-direct) > 1e-6*math.Abs(direct) {
		t.Errorf("logLik = %.4f, per frame %.4f, direct %.4f", got, want, direct)
	}

	// A model fits its own data better than data shifted away.
	var shifted stats
	for n, x := range frames {
		y := make([]float32, statDim)
		for i := range y {
			y[i] = x[i] + 1
		}
		shifted.add(y, f0[n]+0.3)
	}
	if g.logLik(&shifted) >= got {
		t.Error("shifted data is as likely as the data")
	}
}

func TestFitNeedsFrames(t *testing.T) {
	var s stats
	for i := range 2*statDim - 1 {
		x := make([]float32, statDim)
		x[i%statDim] = float32(i)
		s.add(x, math.NaN())
	}
	if _, ok := fit(&s); ok {
		t.Error("fit with too few frames succeeded")
	}
}
