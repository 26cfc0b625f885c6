package diarize

import (
	"math"
)

// Pitch tracking parameters.
const (
	pitchLen    = 640  // 40 ms analysis frame, centred on the MFCC frame
	pitchFFT    = 1024 // ≥ pitchLen + the longest lag, so the autocorrelation does not wrap
	pitchMinLag = 40   // 400 Hz
	pitchMaxLag = 267  // 60 Hz
	voicedNCCF  = 0.6  // normalized autocorrelation peak for a frame to count as voiced
	octaveShare = 0.9  // a shorter lag within this share of the best peak wins (no octave errors down)
)

// pitcher estimates the fundamental frequency of frames from their
// normalized cross-correlation, computed through the power spectrum. It is
// not safe for concurrent use.
type pitcher struct {
	fft  *realFFT
	buf  []float64 // pitchFFT
	pow  []float64 // pitchFFT/2+1
	full []float64 // pitchFFT: the power spectrum, mirrored
	ac   []float64 // pitchFFT/2+1: autocorrelation × pitchFFT
	cum  []float64 // pitchLen+1: cumulative energy
}

func newPitcher() *pitcher {
	return &pitcher{
		fft:  newRealFFT(pitchFFT),
		buf:  make([]float64, pitchFFT),
		pow:  make([]float64, pitchFFT/2+1),
		full: make([]float64, pitchFFT),
		ac:   make([]float64, pitchFFT/2+1),
		cum:  make([]float64, pitchLen+1),
	}
}

// logF0 returns the natural log of the fundamental frequency (Hz) of the
// pitchLen samples of samples centred at sample c, and false when the frame
// is not voiced.
func (p *pitcher) logF0(samples []float32, c int) (float64, bool) {
	lo := c - pitchLen/2
	var mean float64
	for i := range pitchLen {
		if j := lo + i; j >= 0 && j < len(samples) {
			mean += float64(samples[j])
		}
	}
	mean /= pitchLen
	for i := range pitchLen {
		v := 0.0
		if j := lo + i; j >= 0 && j < len(samples) {
			v = float64(samples[j]) - mean
		}
		p.buf[i] = v
		p.cum[i+1] = p.cum[i] + v*v
	}
	clear(p.buf[pitchLen:])
	if p.cum[pitchLen] < 1e-8 {
		return 0, false
	}
	p.fft.power(p.buf, p.pow)
	for k, v := range p.pow {
		p.full[k] = v
		if k > 0 && k < pitchFFT/2 {
			p.full[pitchFFT-k] = v
		}
	}
	p.fft.real(p.full, p.ac) // ac[τ] = pitchFFT · Σ x[n]·x[n+τ]

	nccf := func(lag int) float64 {
		e := math.Sqrt(p.cum[pitchLen-lag] * (p.cum[pitchLen] - p.cum[lag]))
		if e <= 0 {
			return 0
		}
		return p.ac[lag] / pitchFFT / e
	}
	best, bestV := 0, 0.0
	for lag := pitchMinLag; lag <= pitchMaxLag; lag++ {
		if v := nccf(lag); v > bestV {
			best, bestV = lag, v
		}
	}
	if bestV < voicedNCCF {
		return 0, false
	}
	// Prefer the shortest lag with a local peak nearly as high.
	for lag := pitchMinLag + 1; lag < best; lag++ {
		v := nccf(lag)
		if v >= octaveShare*bestV && v >= nccf(lag-1) && v >= nccf(lag+1) {
			best = lag
			break
		}
	}
	// Parabolic interpolation of the peak.
	lag := float64(best)
	if best > pitchMinLag && best < pitchMaxLag {
		a, b, c := nccf(best-1), nccf(best), nccf(best+1)
		if d := a - 2*b + c; d < 0 {
			lag += 0.5 * (a - c) / d
		}
	}
	return math.Log(sampleRate / lag), true
}
