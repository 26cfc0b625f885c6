package diarize

import (
	"context"
	"math"
	"testing"
)

func TestUBMLoads(t *testing.T) {
	u := loadUBM()
	if u.k != 256 {
		t.Fatalf("components = %d, want 256", u.k)
	}
	var sum float64
	for c := range u.k {
		sum += u.weight[c]
		for d := range ubmDim {
			if u.ivar[c*ubmDim+d] <= 0 || math.IsInf(u.ivar[c*ubmDim+d], 0) {
				t.Fatalf("component %d dim %d: inverse variance %v", c, d, u.ivar[c*ubmDim+d])
			}
		}
	}
	if math.Abs(sum-1) > 1e-3 {
		t.Errorf("weights sum to %v, want 1", sum)
	}
}

// spreadRatio returns the geometric mean, over the cepstra, of the ratio
// of their standard deviation over the speech frames of samples, seen
// through front, to the standard deviation of the UBM's mixture.
func spreadRatio(t *testing.T, samples []float32, front *ubmFront) float64 {
	t.Helper()
	u := loadUBM()
	mv, mm := make([]float64, ubmDim), make([]float64, ubmDim)
	for c := range u.k {
		for d := range ubmDim {
			m := u.mean[c*ubmDim+d]
			mm[d] += u.weight[c] * m
			mv[d] += u.weight[c] * (1/u.ivar[c*ubmDim+d] + m*m)
		}
	}
	fz := newFeaturizer()
	var ceps [numCeps]float32
	var cep [ubmDim]float32
	s, ss := make([]float64, ubmDim), make([]float64, ubmDim)
	n := 0.0
	for g := 0; g*frameHop+frameLen <= len(samples); g++ {
		if fz.frame(samples[g*frameHop:], ceps[:]) < -9 { // silence
			continue
		}
		front.ceps(fz.pow, cep[:])
		for d, v := range cep {
			s[d] += float64(v)
			ss[d] += float64(v) * float64(v)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %v speech frames", n)
	}
	var logRatio float64
	for d := range ubmDim {
		ours := math.Sqrt(ss[d]/n - s[d]*s[d]/n/n)
		model := math.Sqrt(mv[d] - mm[d]*mm[d])
		logRatio += math.Log(ours / model)
	}
	return math.Exp(logRatio / ubmDim)
}

// TestUBMFrontEndMatchesModel checks that speech seen through our front
// end spreads over the cepstra as the Sphinx-trained model expects (the
// lifter gives c1..c12 their scale), and that a front end without the
// lifter would not.
func TestUBMFrontEndMatchesModel(t *testing.T) {
	fx := loadFixture(t, "two")
	good := spreadRatio(t, fx.samples, newUBMFront())
	noLift := newUBMFront()
	for c := range ubmDim {
		lift := 1 + ubmLifter/2*math.Sin(math.Pi*float64(c)/ubmLifter)
		for b := range ubmBands {
			noLift.dct[c][b] /= lift
		}
	}
	bad := spreadRatio(t, fx.samples, noLift)
	t.Logf("spread of the cepstra relative to the model's: front end %.2f, without lifter %.2f", good, bad)
	if good < 0.5 || good > 2 {
		t.Errorf("front end spread %.2f of the model's, want 0.5-2", good)
	}
	if bad > 0.5 {
		t.Errorf("without the lifter the spread is %.2f of the model's: the check cannot tell", bad)
	}
}

// TestSupervectorsSeparateSpeakers checks that on the two-voice fixture
// the supervectors of windows of one speaker are more alike than those of
// windows of different speakers.
func TestSupervectorsSeparateSpeakers(t *testing.T) {
	fx := loadFixture(t, "two")
	speech := regionsOf(fx.ref)
	fs := layout(fx.samples, speech)
	wins := fs.windows(winFrames, winHop)
	full := fullWindows(wins)
	fs.planSupervectors(len(wins), full)
	if fs.sv == nil {
		t.Fatal("no supervectors planned")
	}
	gate, err := fs.gate(context.Background(), fx.samples, newSweep(nil, len(fx.samples)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fs.analyse(context.Background(), fx.samples, speech, wins, gate, nil, chunkFrames, newSweep(nil, len(fx.samples))); err != nil {
		t.Fatal(err)
	}
	for i, v := range fs.sv {
		if v == nil {
			t.Fatalf("supervector %d not computed", i)
		}
	}
	centreScale(fs.sv)
	spk := make([]int, len(fs.sv))
	for w, i := range fs.svIndex {
		if i >= 0 {
			spk[i] = fx.ref[wins[w].region].Speaker
		}
	}
	var same, diff, ns, nd float64
	for i := range fs.sv {
		for j := i + 1; j < len(fs.sv); j++ {
			c := 1 - cosineDist(fs.sv[i], fs.sv[j])
			if spk[i] == spk[j] {
				same, ns = same+c, ns+1
			} else {
				diff, nd = diff+c, nd+1
			}
		}
	}
	same, diff = same/ns, diff/nd
	t.Logf("mean cosine: same speaker %.3f, different speakers %.3f", same, diff)
	if same < diff+0.1 {
		t.Errorf("same-speaker cosine %.3f not well above different-speaker %.3f", same, diff)
	}
	labels, k, _ := spectralClusters(context.Background(), fs.sv, 1, 8, 0)
	if k != 2 {
		t.Errorf("spectral clustering found %d speakers, want 2", k)
	}
	// Labels must agree with the speakers up to renaming.
	agree := 0
	for i := range labels {
		if labels[i] == labels[0] == (spk[i] == spk[0]) {
			agree++
		}
	}
	if agree < len(labels)*9/10 {
		t.Errorf("clusters agree with the speakers on %d of %d windows", agree, len(labels))
	}
}
