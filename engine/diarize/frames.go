package diarize

import (
	"context"
	"math"
	"slices"
	"time"
)

// gatePct is the percentile of the speech frames' energy below which frames
// are left out of embeddings and speaker models: pauses between words and
// weak consonants say little about the voice.
const gatePct = 0.3

// chunkFrames is how many frames (a minute) the features are computed for
// at a time: only the frames that a window or block still needs are kept,
// and the samples behind them are released.
const chunkFrames = 6000

// features locates the frames inside speech regions, numbered region after
// region. The frames' features are computed in chunks (see analyse) and
// not kept.
type features struct {
	regions []regionFrames
	total   int // frames in all regions

	// With the UBM: its front end, the recording's mean cepstra (set by
	// gate), the index in sv of each window that gets a supervector (-1
	// for none), and the supervectors (set by analyse).
	front   *ubmFront
	cmn     []float64
	svIndex []int
	sv      [][]float64
}

// regionFrames locates one speech region's frames.
type regionFrames struct {
	first int // global index of the first frame (frame g starts at sample g·frameHop)
	off   int // index of that frame among the speech frames
	n     int
}

// layout returns the frames of samples inside speech.
func layout(samples []float32, speech []Region) *features {
	fs := &features{regions: make([]regionFrames, len(speech))}
	for i, r := range speech {
		g0 := int(r.Start*sampleRate/time.Second) / frameHop
		g1 := max(g0+1, (int(r.End*sampleRate/time.Second)-frameLen)/frameHop+1)
		for g1 > g0 && g1*frameHop > len(samples) {
			g1--
		}
		fs.regions[i] = regionFrames{first: g0, off: fs.total, n: g1 - g0}
		fs.total += g1 - g0
	}
	return fs
}

// frameStart returns the time frame g (global index) starts.
func frameStart(g int) time.Duration { return time.Duration(g) * frameTime }

// readFrom returns the first sample that the features of frame g read:
// the pitch frame reaches further back than the MFCC frame.
func readFrom(g int) int { return g*frameHop + frameLen/2 - pitchLen/2 }

// gate returns the log energy below which frames are not pooled: the
// gatePct percentile of the speech frames' log energy (see frameEnergy).
// It reads the samples of the speech regions once, in order, telling sw.
// With the UBM front end it also sets fs.cmn, the mean of its cepstra
// over every cmnStride-th speech frame.
func (fs *features) gate(ctx context.Context, samples []float32, sw *sweep) (float64, error) {
	if fs.total == 0 {
		return math.Inf(-1), nil
	}
	e := make([]float64, 0, fs.total)
	var fz *featurizer
	var cep [ubmDim]float32
	var ceps [numCeps]float32
	var cmnN float64
	if fs.front != nil {
		fz = newFeaturizer()
		fs.cmn = make([]float64, ubmDim)
	}
	for _, rf := range fs.regions {
		for i := range rf.n {
			if fz != nil && len(e)%cmnStride == 0 {
				fz.frame(samples[(rf.first+i)*frameHop:], ceps[:])
				fs.front.ceps(fz.pow, cep[:])
				for d, v := range cep {
					fs.cmn[d] += float64(v)
				}
				cmnN++
			}
			if len(e)%chunkFrames == chunkFrames-1 {
				if err := ctx.Err(); err != nil {
					return 0, err
				}
				sw.upTo((rf.first + i) * frameHop)
			}
			e = append(e, frameEnergy(samples[(rf.first+i)*frameHop:]))
		}
	}
	sw.finish()
	for d := range fs.cmn {
		fs.cmn[d] /= max(cmnN, 1)
	}
	slices.Sort(e)
	return e[int(gatePct*float64(len(e)-1))], nil
}
