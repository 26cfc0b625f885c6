package diarize

import (
	"math"
)

// Frame analysis parameters, for 16 kHz audio.
const (
	sampleRate = 16000
	frameLen   = 400 // 25 ms
	frameHop   = 160 // 10 ms
	fftSize    = 512
	melBands   = 40
	melLow     = 20.0   // Hz
	melHigh    = 7600.0 // Hz
	numCeps    = 20     // c1..c20; c0 (loudness) is left out
	preEmph    = 0.97
)

// frameTime is the duration of one frame hop.
const frameTime = frameHop * 1e9 / sampleRate // in nanoseconds

// melFilter is one triangular filter over power-spectrum bins [start,
// start+len(w)).
type melFilter struct {
	start int
	w     []float64
}

// featurizer turns 25 ms frames into MFCCs. It precomputes the window, the
// mel filters and the DCT, and reuses its buffers, so it allocates nothing
// per frame; it is not safe for concurrent use.
type featurizer struct {
	fft    *realFFT
	window []float64
	mel    []melFilter
	dct    [][]float64 // numCeps × melBands
	buf    []float64   // fftSize
	pow    []float64   // fftSize/2+1
	logMel []float64   // melBands
}

func newFeaturizer() *featurizer {
	f := &featurizer{
		fft:    newRealFFT(fftSize),
		window: make([]float64, frameLen),
		buf:    make([]float64, fftSize),
		pow:    make([]float64, fftSize/2+1),
		logMel: make([]float64, melBands),
	}
	for i := range f.window {
		f.window[i] = 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/float64(frameLen-1))
	}
	f.mel = melFilters(melBands, melLow, melHigh)
	f.dct = make([][]float64, numCeps)
	for c := range f.dct {
		f.dct[c] = make([]float64, melBands)
		for b := range melBands {
			f.dct[c][b] = math.Sqrt(2.0/melBands) * math.Cos(math.Pi*float64(c+1)*(float64(b)+0.5)/melBands)
		}
	}
	return f
}

func hzToMel(hz float64) float64  { return 2595 * math.Log10(1+hz/700) }
func melToHz(mel float64) float64 { return 700 * (math.Pow(10, mel/2595) - 1) }

// melFilters returns bands triangular filters evenly spaced on the mel
// scale between low and high Hz, each with unit peak.
func melFilters(bands int, low, high float64) []melFilter {
	lo, hi := hzToMel(low), hzToMel(high)
	edges := make([]float64, bands+2) // in fractional FFT bins
	for i := range edges {
		hz := melToHz(lo + (hi-lo)*float64(i)/float64(bands+1))
		edges[i] = hz * fftSize / sampleRate
	}
	filters := make([]melFilter, bands)
	for b := range filters {
		l, c, r := edges[b], edges[b+1], edges[b+2]
		start := int(math.Ceil(l))
		end := min(int(math.Floor(r)), fftSize/2)
		var w []float64
		for k := start; k <= end; k++ {
			x := float64(k)
			switch {
			case x <= c && c > l:
				w = append(w, (x-l)/(c-l))
			case x > c && r > c:
				w = append(w, (r-x)/(r-c))
			default:
				w = append(w, 0)
			}
		}
		if len(w) == 0 { // narrower than a bin: take the nearest bin
			start, w = int(math.Round(c)), []float64{1}
		}
		filters[b] = melFilter{start: start, w: w}
	}
	return filters
}

// frame writes the MFCCs c1..c20 of the frameLen samples at x[0:] into ceps
// and returns the frame's log energy (natural log of the mean square).
// Samples past the end of x count as zero.
func (f *featurizer) frame(x []float32, ceps []float32) float64 {
	n := min(len(x), frameLen)
	var energy float64
	prev := 0.0
	if n > 0 {
		prev = float64(x[0])
	}
	for i := range frameLen {
		v := 0.0
		if i < n {
			v = float64(x[i])
		}
		energy += v * v
		f.buf[i] = (v - preEmph*prev) * f.window[i]
		prev = v
	}
	clear(f.buf[frameLen:])
	f.fft.power(f.buf, f.pow)
	for b, m := range f.mel {
		var s float64
		for k, w := range m.w {
			s += w * f.pow[m.start+k]
		}
		f.logMel[b] = math.Log(s + 1e-10)
	}
	for c, row := range f.dct {
		var s float64
		for b, w := range row {
			s += w * f.logMel[b]
		}
		ceps[c] = float32(s)
	}
	return math.Log(energy/frameLen + 1e-12)
}

// frameEnergy returns the log energy of the frameLen samples at x[0:], as
// frame computes it, without the MFCCs.
func frameEnergy(x []float32) float64 {
	var energy float64
	for _, v := range x[:min(len(x), frameLen)] {
		energy += float64(v) * float64(v)
	}
	return math.Log(energy/frameLen + 1e-12)
}
