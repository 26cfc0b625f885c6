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

// features holds the MFCCs, log energies and log F0 of the frames inside
// speech regions, stored region after region.
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

// extract computes the features of the frames of samples inside speech.
func extract(ctx context.Context, samples []float32, speech []Region) (*features, error) {
	fs := &features{regions: make([]regionFrames, len(speech))}
	total := 0
	for i, r := range speech {
		g0 := int(r.Start*sampleRate/time.Second) / frameHop
		g1 := max(g0+1, (int(r.End*sampleRate/time.Second)-frameLen)/frameHop+1)
		for g1 > g0 && g1*frameHop > len(samples) {
			g1--
		}
		fs.regions[i] = regionFrames{first: g0, off: total, n: g1 - g0}
		total += g1 - g0
	}
	fs.ceps = make([]float32, total*numCeps)
	fs.energy = make([]float64, total)
	fs.logF0 = make([]float64, total)
	fz := newFeaturizer()
	pt := newPitcher()
	for _, rf := range fs.regions {
		for i := range rf.n {
			f, g := rf.off+i, rf.first+i
			if f%6000 == 5999 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			fs.energy[f] = fz.frame(samples[g*frameHop:], fs.ceps[f*numCeps:(f+1)*numCeps])
			// Pitch moves slowly: track it every other frame, 20 ms apart.
			if i%2 == 1 {
				fs.logF0[f] = fs.logF0[f-1]
			} else if v, ok := pt.logF0(samples, g*frameHop+frameLen/2); ok {
				fs.logF0[f] = v
			} else {
				fs.logF0[f] = math.NaN()
			}
		}
	}
	return fs, nil
}

// frameStart returns the time frame g (global index) starts.
func frameStart(g int) time.Duration { return time.Duration(g) * frameTime }

// gate returns the log energy below which frames are not pooled.
func (fs *features) gate() float64 {
	if len(fs.energy) == 0 {
		return math.Inf(-1)
	}
	e := slices.Clone(fs.energy)
	slices.Sort(e)
	return e[int(gatePct*float64(len(e)-1))]
}
