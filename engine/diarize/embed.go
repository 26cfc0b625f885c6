package diarize

import (
	"context"
	"math"
	"slices"
	"time"
)

// Window and embedding parameters, in frames of 10 ms.
const (
	winFrames    = 150 // 1.5 s windows
	winHop       = 75  // 0.75 s apart
	minFullWin   = 100 // windows of at least 1 s are clustered; shorter ones only assigned
	gatePct      = 0.3 // frames below this percentile of speech energy are not pooled
	minGated     = 10  // pool every frame when fewer than this pass the gate
	deltaSpan    = 2   // delta regression over ±2 frames
	embeddingDim = 3 * numCeps
)

// features holds the MFCCs and log energies of the frames inside speech
// regions, stored region after region.
type features struct {
	ceps    []float32 // frames × numCeps
	energy  []float64
	logF0   []float64 // NaN when the frame is not voiced
	regions []regionFrames
}

// regionFrames locates one speech region's frames.
type regionFrames struct {
	first int // global index of the first frame (frame g starts at sample g·frameHop)
	off   int // index of that frame in features
	n     int
}

// window is one analysis window inside a speech region.
type window struct {
	region int
	f0, f1 int // frame range in features
	start  time.Duration
	end    time.Duration
}

// center returns the middle of the window.
func (w window) center() time.Duration { return (w.start + w.end) / 2 }

// extract computes the features of the frames of samples inside speech.
func extract(ctx context.Context, samples []float32, speech []Region) (*features, error) {
	fz := newFeaturizer()
	pt := newPitcher()
	fs := &features{}
	for i, r := range speech {
		s0 := int(r.Start * sampleRate / time.Second)
		s1 := int(r.End * sampleRate / time.Second)
		g0 := s0 / frameHop
		g1 := max(g0+1, (s1-frameLen)/frameHop+1)
		for g1 > g0 && g1*frameHop > len(samples) {
			g1--
		}
		rf := regionFrames{first: g0, off: len(fs.energy), n: g1 - g0}
		fs.ceps = slices.Grow(fs.ceps, rf.n*numCeps)
		for g := g0; g < g1; g++ {
			at := len(fs.ceps)
			fs.ceps = fs.ceps[:at+numCeps]
			fs.energy = append(fs.energy, fz.frame(samples[g*frameHop:], fs.ceps[at:]))
			f0, ok := pt.logF0(samples, g*frameHop+frameLen/2)
			if !ok {
				f0 = math.NaN()
			}
			fs.logF0 = append(fs.logF0, f0)
		}
		fs.regions = append(fs.regions, rf)
		if i%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	return fs, nil
}

// frameStart returns the time frame g (global index) starts.
func frameStart(g int) time.Duration { return time.Duration(g) * frameTime }

// windows cuts every speech region into windows of size frames, hop apart,
// the last one ending with the region; a region shorter than a window is
// one window.
func (fs *features) windows(size, hop int) []window {
	var out []window
	for ri, rf := range fs.regions {
		if rf.n == 0 {
			continue
		}
		add := func(a, b int) {
			out = append(out, window{
				region: ri,
				f0:     rf.off + a, f1: rf.off + b,
				start: frameStart(rf.first + a),
				end:   frameStart(rf.first+b-1) + frameLen*time.Second/sampleRate,
			})
		}
		if rf.n <= size {
			add(0, rf.n)
			continue
		}
		a := 0
		for ; a+size < rf.n; a += hop {
			add(a, a+size)
		}
		add(rf.n-size, rf.n)
	}
	return out
}

// gate returns the log energy below which frames are not pooled.
func (fs *features) gate() float64 {
	if len(fs.energy) == 0 {
		return math.Inf(-1)
	}
	e := slices.Clone(fs.energy)
	slices.Sort(e)
	return e[int(gatePct*float64(len(e)-1))]
}

// embed writes the statistics of window w into out (len embeddingDim): the
// mean and standard deviation of each MFCC and the standard deviation of its
// delta, over the frames louder than gate (all frames when too few are).
func (fs *features) embed(w window, gate float64, out []float64) {
	clear(out)
	n := 0
	for pass := 0; pass < 2 && n < minGated; pass++ {
		clear(out)
		n = 0
		for f := w.f0; f < w.f1; f++ {
			if pass == 0 && fs.energy[f] < gate {
				continue
			}
			c := fs.ceps[f*numCeps : (f+1)*numCeps]
			lo, hi := max(w.f0, f-deltaSpan), min(w.f1-1, f+deltaSpan)
			cl, ch := fs.ceps[lo*numCeps:(lo+1)*numCeps], fs.ceps[hi*numCeps:(hi+1)*numCeps]
			for k := range numCeps {
				v := float64(c[k])
				d := float64(ch[k]-cl[k]) / float64(max(1, hi-lo))
				out[k] += v
				out[numCeps+k] += v * v
				out[2*numCeps+k] += d * d
			}
			n++
		}
	}
	if n == 0 {
		return
	}
	inv := 1 / float64(n)
	for k := range numCeps {
		m := out[k] * inv
		out[k] = m
		out[numCeps+k] = math.Sqrt(max(0, out[numCeps+k]*inv-m*m))
		out[2*numCeps+k] = math.Sqrt(out[2*numCeps+k] * inv)
	}
}
