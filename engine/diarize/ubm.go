package diarize

import (
	_ "embed"
	"encoding/binary"
	"math"
	"sync"
)

// The front end of the universal background model is that of
// pocketsphinx-en-us (its feat.params): 25 mel filters from 130 to 6800
// Hz, the cepstra c0..c12 of their natural logs (orthonormal DCT-II),
// liftered by 1 + 11·sin(πi/22), less their mean over the recording.
const (
	ubmBands  = 25
	ubmLow    = 130.0  // Hz
	ubmHigh   = 6800.0 // Hz
	ubmDim    = 13
	ubmLifter = 22
	// ubmScale turns our [-1, 1] samples' power into that of 16-bit ones.
	ubmScale = 32768.0 * 32768.0
)

//go:embed ubm.bin
var ubmData []byte

// ubm is a diagonal-covariance Gaussian mixture over the front end's
// cepstra, trained by CMU Sphinx on many speakers (see
// internal/mkubm): a speaker-independent model of speech sounds.
type ubm struct {
	k      int
	weight []float64
	mean   []float64 // k × ubmDim
	ivar   []float64 // k × ubmDim: inverse variances
	isd    []float64 // k × ubmDim: inverse standard deviations
	norm   []float64 // log weight − ½ Σ log(2π var)
}

// loadUBM parses the embedded model once.
var loadUBM = sync.OnceValue(func() *ubm {
	le := binary.LittleEndian
	k, dim := int(le.Uint32(ubmData)), int(le.Uint32(ubmData[4:]))
	if dim != ubmDim || len(ubmData) != 8+4*k*(1+2*dim) {
		panic("diarize: ubm.bin does not match ubmDim")
	}
	f := func(i int) float64 { return float64(math.Float32frombits(le.Uint32(ubmData[8+4*i:]))) }
	u := &ubm{k: k, weight: make([]float64, k), mean: make([]float64, k*dim), ivar: make([]float64, k*dim), isd: make([]float64, k*dim), norm: make([]float64, k)}
	for c := range k {
		u.weight[c] = f(c)
		u.norm[c] = math.Log(u.weight[c])
		for d := range dim {
			i := c*dim + d
			u.mean[i] = f(k + i)
			v := f(k + k*dim + i)
			u.ivar[i] = 1 / v
			u.isd[i] = 1 / math.Sqrt(v)
			u.norm[c] -= 0.5 * math.Log(2*math.Pi*v)
		}
	}
	return u
})

// ubmFront computes the front end's cepstra from a featurizer's power
// spectrum.
type ubmFront struct {
	mel    []melFilter
	dct    [ubmDim][ubmBands]float64 // with the lifter
	logMel [ubmBands]float64
}

func newUBMFront() *ubmFront {
	u := &ubmFront{mel: melFilters(ubmBands, ubmLow, ubmHigh)}
	for c := range ubmDim {
		scale := math.Sqrt(2.0 / ubmBands)
		if c == 0 {
			scale = math.Sqrt(1.0 / ubmBands)
		}
		lift := 1 + ubmLifter/2*math.Sin(math.Pi*float64(c)/ubmLifter)
		for b := range ubmBands {
			u.dct[c][b] = lift * scale * math.Cos(math.Pi*float64(c)*(float64(b)+0.5)/ubmBands)
		}
	}
	return u
}

// ceps writes the cepstra of the power spectrum pow into out (ubmDim).
func (u *ubmFront) ceps(pow []float64, out []float32) {
	for b, m := range u.mel {
		var s float64
		for k, w := range m.w {
			s += w * pow[m.start+k]
		}
		u.logMel[b] = math.Log(s*ubmScale + 1)
	}
	for c := range ubmDim {
		var s float64
		for b, w := range u.dct[c] {
			s += w * u.logMel[b]
		}
		out[c] = float32(s)
	}
}

// posteriors writes into post (u.k) the posterior probability of each
// component given frame x (mean-normalized cepstra) and returns the
// frame's log-likelihood.
func (u *ubm) posteriors(x []float64, post []float64) float64 {
	best := math.Inf(-1)
	for c := range u.k {
		s := u.norm[c]
		m, iv := u.mean[c*ubmDim:(c+1)*ubmDim], u.ivar[c*ubmDim:(c+1)*ubmDim]
		for d, v := range x {
			e := v - m[d]
			s -= 0.5 * e * e * iv[d]
		}
		post[c] = s
		best = max(best, s)
	}
	var sum float64
	for c := range post {
		p := math.Exp(post[c] - best)
		post[c] = p
		sum += p
	}
	for c := range post {
		post[c] /= sum
	}
	return best + math.Log(sum)
}
