package diarize

import (
	"math"
	"time"
)

// Window and embedding parameters, in frames of 10 ms.
const (
	winFrames    = 150 // 1.5 s windows
	winHop       = 75  // 0.75 s apart
	minFullWin   = 100 // windows of at least 1 s are clustered; shorter ones only assigned
	minGated     = 10  // pool every frame when fewer than this pass the gate
	deltaSpan    = 2   // deltas are differences over ±2 frames
	embeddingDim = 3 * numCeps
)

// window is one analysis window inside a speech region.
type window struct {
	region int
	f0, f1 int // frame range in features
	start  time.Duration
	end    time.Duration
}

// center returns the middle of the window.
func (w window) center() time.Duration { return (w.start + w.end) / 2 }

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

// fullWindows returns the windows to cluster: those of at least minFullWin
// frames, or all of them when fewer than two are that long.
func fullWindows(wins []window) []int {
	var full []int
	for i, w := range wins {
		if w.f1-w.f0 >= minFullWin {
			full = append(full, i)
		}
	}
	if len(full) < 2 {
		full = full[:0]
		for i := range wins {
			full = append(full, i)
		}
	}
	return full
}

// embed writes the statistics of the window over frames [a, b) (region-local)
// into out (len embeddingDim): the mean and standard deviation of each MFCC
// and the standard deviation of its delta, over the frames louder than gate
// (all frames when too few are).
func (fb *frameBuf) embed(a, b int, gate float64, out []float64) {
	clear(out)
	n := 0
	for pass := 0; pass < 2 && n < minGated; pass++ {
		clear(out)
		n = 0
		for f := a; f < b; f++ {
			if pass == 0 && fb.energy[f-fb.first] < gate {
				continue
			}
			c := fb.cep(f)
			lo, hi := max(a, f-deltaSpan), min(b-1, f+deltaSpan)
			cl, ch := fb.cep(lo), fb.cep(hi)
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

// normalize standardizes each dimension of the embeddings by its mean and
// standard deviation over the windows in ref, then scales every embedding
// to unit length.
func normalize(emb [][]float64, ref []int) {
	dim := len(emb[0])
	mean := make([]float64, dim)
	sd := make([]float64, dim)
	for _, i := range ref {
		for k, v := range emb[i] {
			mean[k] += v
			sd[k] += v * v
		}
	}
	n := float64(len(ref))
	for k := range dim {
		mean[k] /= n
		sd[k] = math.Sqrt(max(sd[k]/n-mean[k]*mean[k], 0)) + 1e-6
	}
	for _, e := range emb {
		var norm float64
		for k := range e {
			e[k] = (e[k] - mean[k]) / sd[k]
			norm += e[k] * e[k]
		}
		norm = math.Sqrt(norm) + 1e-12
		for k := range e {
			e[k] /= norm
		}
	}
}
