package diarize

import (
	"math"
)

// statDim is the dimension of the frame vectors the Gaussians model: the
// MFCCs c1..c20.
const statDim = numCeps

// triLen is the number of entries of a statDim×statDim upper triangle.
const triLen = statDim * (statDim + 1) / 2

// Pitch model parameters.
const (
	minVoiced     = 10          // voiced frames a speaker needs for its own pitch model
	pitchVarFloor = 0.03 * 0.03 // of log F0: a semitone is 0.058
	broadPitchVar = 0.5 * 0.5   // of the pitch model used when there are too few voiced frames
)

// stats are the sufficient statistics of a set of frames: count, sum and
// the upper triangle of the sum of outer products of the MFCCs, and count,
// sum and sum of squares of the log F0 of the voiced frames.
type stats struct {
	n   float64
	sum [statDim]float64
	sxx [triLen]float64

	nv, sf, sff float64
}

// add accumulates frame x, of log F0 f (NaN when unvoiced), into s.
func (s *stats) add(x []float32, f float64) {
	if !math.IsNaN(f) {
		s.nv++
		s.sf += f
		s.sff += f * f
	}
	s.n++
	k := 0
	for a := range statDim {
		xa := float64(x[a])
		s.sum[a] += xa
		for b := a; b < statDim; b++ {
			s.sxx[k] += xa * float64(x[b])
			k++
		}
	}
}

// merge adds the statistics of o into s.
func (s *stats) merge(o *stats) {
	s.nv += o.nv
	s.sf += o.sf
	s.sff += o.sff
	s.n += o.n
	for i := range s.sum {
		s.sum[i] += o.sum[i]
	}
	for i := range s.sxx {
		s.sxx[i] += o.sxx[i]
	}
}

// gaussian is a speaker model: a full-covariance Gaussian over MFCC
// frames, kept as its mean, precision matrix (full, row major) and
// log-determinant of the covariance, and an independent Gaussian over the
// log F0 of voiced frames.
type gaussian struct {
	mean   [statDim]float64
	prec   [statDim * statDim]float64
	logdet float64

	pitchMean, pitchVar float64
}

// modelParams is the number of free parameters of a gaussian.
const modelParams = statDim + triLen + 2

// fit returns the maximum-likelihood model of s, with a small ridge on the
// covariance diagonal so that it stays invertible and a floor under the
// pitch variance, and false when s has too few frames to fit one. With
// fewer than minVoiced voiced frames the pitch model is a broad one.
func fit(s *stats) (gaussian, bool) {
	const d = statDim
	var g gaussian
	if s.n < 2*d {
		return g, false
	}
	g.pitchMean, g.pitchVar = math.Log(150), broadPitchVar
	if s.nv >= minVoiced {
		g.pitchMean = s.sf / s.nv
		g.pitchVar = max(s.sff/s.nv-g.pitchMean*g.pitchMean, pitchVarFloor)
	}
	var cov [d * d]float64
	for a := range d {
		g.mean[a] = s.sum[a] / s.n
	}
	k := 0
	var trace float64
	for a := range d {
		for b := a; b < d; b++ {
			v := s.sxx[k]/s.n - g.mean[a]*g.mean[b]
			cov[a*d+b], cov[b*d+a] = v, v
			k++
		}
		trace += cov[a*d+a]
	}
	ridge := 1e-3*trace/d + 1e-9
	for a := range d {
		cov[a*d+a] += ridge
	}
	// Cholesky cov = L·Lᵀ, in place in the lower triangle.
	l := cov
	for j := range d {
		v := l[j*d+j]
		for m := range j {
			v -= l[j*d+m] * l[j*d+m]
		}
		if v <= 0 {
			return g, false
		}
		ljj := math.Sqrt(v)
		l[j*d+j] = ljj
		g.logdet += 2 * math.Log(ljj)
		for i := j + 1; i < d; i++ {
			v := l[i*d+j]
			for m := range j {
				v -= l[i*d+m] * l[j*d+m]
			}
			l[i*d+j] = v / ljj
		}
	}
	// prec = L⁻ᵀ·L⁻¹, from the inverse of L.
	var inv [d * d]float64 // lower triangular L⁻¹
	for j := range d {
		inv[j*d+j] = 1 / l[j*d+j]
		for i := j + 1; i < d; i++ {
			var v float64
			for m := j; m < i; m++ {
				v -= l[i*d+m] * inv[m*d+j]
			}
			inv[i*d+j] = v / l[i*d+i]
		}
	}
	for a := range d {
		for b := a; b < d; b++ {
			var v float64
			for m := b; m < d; m++ {
				v += inv[m*d+a] * inv[m*d+b]
			}
			g.prec[a*d+b], g.prec[b*d+a] = v, v
		}
	}
	return g, true
}

// logLik returns the log-likelihood of the frames summarized by s under g:
// of their MFCCs, plus of their log F0 where voiced.
func (g *gaussian) logLik(s *stats) float64 {
	const d = statDim
	if s.n == 0 {
		return 0
	}
	// Σᵢ (xᵢ-μ)ᵀ P (xᵢ-μ) = tr(P·Sxx) - 2·μᵀP·sum + n·μᵀPμ.
	var quad float64
	k := 0
	for a := range d {
		row := g.prec[a*d : (a+1)*d]
		quad += row[a] * s.sxx[k]
		k++
		for b := a + 1; b < d; b++ {
			quad += 2 * row[b] * s.sxx[k]
			k++
		}
	}
	var pm [d]float64
	for a := range d {
		row := g.prec[a*d : (a+1)*d]
		var v float64
		for b := range d {
			v += row[b] * g.mean[b]
		}
		pm[a] = v
	}
	var msum, mm float64
	for a := range d {
		msum += pm[a] * s.sum[a]
		mm += pm[a] * g.mean[a]
	}
	quad += -2*msum + s.n*mm
	ll := -0.5 * (s.n*(d*math.Log(2*math.Pi)+g.logdet) + quad)
	if s.nv > 0 {
		dev := s.sff - 2*g.pitchMean*s.sf + s.nv*g.pitchMean*g.pitchMean
		ll -= 0.5 * (s.nv*math.Log(2*math.Pi*g.pitchVar) + dev/g.pitchVar)
	}
	return ll
}
