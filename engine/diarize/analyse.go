package diarize

import (
	"context"
	"math"
	"time"
)

// frameBuf holds the features of consecutive frames of one speech region,
// from its frame first on.
type frameBuf struct {
	first  int       // region-local index of the first frame held
	ceps   []float32 // frames × numCeps
	energy []float64 // natural log of the mean square
	logF0  []float64 // NaN when the frame is not voiced
	lastF0 float64   // log F0 of the last frame computed
	front  *ubmFront // nil: no UBM cepstra
	ubm    []float32 // frames × ubmDim, when front is set
}

// ubmCep returns the UBM front end's cepstra of frame i (region-local).
func (b *frameBuf) ubmCep(i int) []float32 {
	j := i - b.first
	return b.ubm[j*ubmDim : (j+1)*ubmDim]
}

// cep returns the MFCCs of frame i (region-local).
func (b *frameBuf) cep(i int) []float32 {
	j := i - b.first
	return b.ceps[j*numCeps : (j+1)*numCeps]
}

// reset empties the buffer for a new region.
func (b *frameBuf) reset() {
	b.first = 0
	b.ceps, b.energy, b.logF0, b.ubm = b.ceps[:0], b.energy[:0], b.logF0[:0], b.ubm[:0]
}

// drop forgets the frames before frame i (region-local).
func (b *frameBuf) drop(i int) {
	k := min(i-b.first, len(b.energy))
	if k <= 0 {
		return
	}
	b.ceps = append(b.ceps[:0], b.ceps[k*numCeps:]...)
	b.energy = append(b.energy[:0], b.energy[k:]...)
	b.logF0 = append(b.logF0[:0], b.logF0[k:]...)
	if b.front != nil {
		b.ubm = append(b.ubm[:0], b.ubm[k*ubmDim:]...)
	}
	b.first += k
}

// compute appends the features of frame i of the region whose first frame
// is g0 (global index); frames are computed in order from 0.
func (b *frameBuf) compute(fz *featurizer, pt *pitcher, samples []float32, g0, i int) {
	g := g0 + i
	j := len(b.energy)
	var zero [numCeps]float32
	b.ceps = append(b.ceps, zero[:]...)
	b.energy = append(b.energy, fz.frame(samples[g*frameHop:], b.ceps[j*numCeps:(j+1)*numCeps]))
	if b.front != nil {
		var z [ubmDim]float32
		b.ubm = append(b.ubm, z[:]...)
		b.front.ceps(fz.pow, b.ubm[j*ubmDim:(j+1)*ubmDim])
	}
	// Pitch moves slowly: track it every other frame, 20 ms apart.
	if i%2 == 0 {
		b.lastF0 = math.NaN()
		if v, ok := pt.logF0(samples, g*frameHop+frameLen/2); ok {
			b.lastF0 = v
		}
	}
	b.logF0 = append(b.logF0, b.lastF0)
}

// analyse computes the features of the speech frames, chunk frames at a
// time and in order, and returns the embedding of each of wins (see embed,
// not yet normalized) and the blocks of the speech regions (see blocks).
// Only the frames that a window or block still needs are kept, so the
// memory used does not grow with the length of a region, and sw is told
// of the samples left behind.
func (fs *features) analyse(ctx context.Context, samples []float32, speech []Region, wins []window, gate float64, cues []time.Duration, chunk int, sw *sweep) ([][]float64, []block, error) {
	emb := make([][]float64, len(wins))
	var u *ubm
	var post []float64
	if fs.front != nil {
		u = loadUBM()
		post = make([]float64, u.k)
	}
	flat := make([]float64, len(wins)*embeddingDim)
	blocks := make([]block, 0, fs.blockCount())
	fz, pt := newFeaturizer(), newPitcher()
	buf := frameBuf{front: fs.front}
	wi := 0
	for ri, rf := range fs.regions {
		if rf.n == 0 {
			continue
		}
		buf.reset()
		nb := blocksIn(rf.n)
		bi := 0
		for done := 0; done < rf.n; {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			hi := min(rf.n, done+chunk)
			for i := done; i < hi; i++ {
				buf.compute(fz, pt, samples, rf.first, i)
			}
			done = hi
			sw.upTo(readFrom(rf.first + done))
			for ; wi < len(wins) && wins[wi].region == ri && wins[wi].f1-rf.off <= done; wi++ {
				emb[wi] = flat[wi*embeddingDim : (wi+1)*embeddingDim : (wi+1)*embeddingDim]
				buf.embed(wins[wi].f0-rf.off, wins[wi].f1-rf.off, gate, emb[wi])
				if u != nil && fs.svIndex[wi] >= 0 {
					sv := make([]float64, u.k*ubmDim)
					buf.supervector(u, wins[wi].f0-rf.off, wins[wi].f1-rf.off, gate, fs.cmn, post, sv)
					fs.sv[fs.svIndex[wi]] = sv
				}
			}
			for ; bi < nb && (bi+1)*rf.n/nb <= done; bi++ {
				blocks = append(blocks, buf.block(speech, ri, rf, bi, nb, gate, cues))
			}
			keep := done
			if wi < len(wins) && wins[wi].region == ri {
				keep = min(keep, wins[wi].f0-rf.off)
			}
			if bi < nb {
				keep = min(keep, bi*rf.n/nb)
			}
			buf.drop(keep)
		}
	}
	sw.finish()
	return emb, blocks, nil
}
