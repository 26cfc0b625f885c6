package diarize

import (
	"math"
	"slices"
	"time"
)

// Resegmentation parameters.
const (
	blockFrames   = 25                     // 0.25 s blocks: the time resolution of turns
	resegRounds   = 6                      // Gaussian fit and Viterbi rounds at most
	minClusterN   = 150                    // gated frames (1.5 s) a speaker needs to keep a model
	switchPenalty = 120.0                  // log-likelihood cost of a speaker change inside a region
	gapPenalty    = 20.0                   // and across a pause between regions, or at a change point
	cueReach      = 250 * time.Millisecond // how far a change point lowers the penalty
)

// block is a 0.25 s piece of a speech region with the statistics of its
// frames louder than the gate.
type block struct {
	region     int
	start, end time.Duration
	cue        bool // a change point lies within cueReach of start
	st         blockStats
}

// blocksIn returns the number of blocks a region of n frames is cut into:
// blocks of about blockFrames frames, of equal length; a region shorter
// than a block is one block.
func blocksIn(n int) int { return max(1, (n+blockFrames/2)/blockFrames) }

// blockCount returns the number of blocks of all speech regions.
func (fs *features) blockCount() int {
	count := 0
	for _, rf := range fs.regions {
		if rf.n > 0 {
			count += blocksIn(rf.n)
		}
	}
	return count
}

// block returns block i of the nb blocks of region ri (frames rf), with
// the statistics of its frames louder than gate; fb holds its frames. The
// first and last blocks reach the region's ends. cues are the sorted
// change points.
func (fb *frameBuf) block(speech []Region, ri int, rf regionFrames, i, nb int, gate float64, cues []time.Duration) block {
	a, b := i*rf.n/nb, (i+1)*rf.n/nb
	blk := block{region: ri, start: frameStart(rf.first + a), end: frameStart(rf.first + b)}
	if i == 0 {
		blk.start = speech[ri].Start
	}
	if i == nb-1 {
		blk.end = speech[ri].End
	}
	var st stats
	for f := a; f < b; f++ {
		if fb.energy[f-fb.first] >= gate {
			st.add(fb.cep(f)[:statDim], fb.logF0[f-fb.first])
		}
	}
	blk.st.pack(&st)
	c, _ := slices.BinarySearch(cues, blk.start-cueReach)
	blk.cue = c < len(cues) && cues[c] <= blk.start+cueReach
	return blk
}

// segmentation is a speaker label for every block.
type segmentation struct {
	labels   []int
	speakers int     // clusters with a model
	logLik   float64 // of all gated frames under their speaker's Gaussian
}

// resegment refines block labels (0..k-1): it fits a full-covariance
// Gaussian per speaker on its blocks, relabels the blocks with a Viterbi
// pass that charges each speaker change, and repeats until the labels
// settle. A speaker with fewer than minClusterN frames loses its model and
// its blocks go to the others.
func resegment(blocks []block, labels []int, k int) segmentation {
	labels = append([]int(nil), labels...)
	ll := make([]float64, len(blocks)*k)
	var models []gaussian
	var ids []int // cluster id of each model
	for round := 0; ; round++ {
		models, ids = fitModels(blocks, labels, k)
		if len(models) == 0 {
			for i := range labels {
				labels[i] = 0
			}
			return segmentation{labels: labels, speakers: 1, logLik: math.Inf(-1)}
		}
		if round == resegRounds {
			break
		}
		m := len(models)
		for b := range blocks {
			var st stats
			st.mergeBlock(&blocks[b].st)
			for c := range models {
				ll[b*m+c] = models[c].logLik(&st)
			}
		}
		next := viterbi(blocks, ll[:len(blocks)*m], m)
		changed := false
		for b, c := range next {
			if ids[c] != labels[b] {
				labels[b], changed = ids[c], true
			}
		}
		if !changed {
			break
		}
	}
	var total float64
	for c, id := range ids {
		var st stats
		for b := range blocks {
			if labels[b] == id {
				st.mergeBlock(&blocks[b].st)
			}
		}
		total += models[c].logLik(&st)
	}
	return segmentation{labels: labels, speakers: len(models), logLik: total}
}

// fitModels fits a Gaussian to the frames of each label 0..k-1 that has
// enough of them, returning the models and their labels.
func fitModels(blocks []block, labels []int, k int) ([]gaussian, []int) {
	acc := make([]stats, k)
	for b, l := range labels {
		if l >= 0 && l < k {
			acc[l].mergeBlock(&blocks[b].st)
		}
	}
	var models []gaussian
	var ids []int
	for c := range acc {
		if acc[c].n < minClusterN {
			continue
		}
		if g, ok := fit(&acc[c]); ok {
			models = append(models, g)
			ids = append(ids, c)
		}
	}
	return models, ids
}

// viterbi returns the model index of each block that maximizes the total
// log-likelihood ll (blocks × m) minus a penalty for each change of model:
// switchPenalty inside a region, gapPenalty between regions.
func viterbi(blocks []block, ll []float64, m int) []int {
	n := len(blocks)
	if n == 0 {
		return nil
	}
	back := make([]int32, n*m)
	score := make([]float64, m)
	next := make([]float64, m)
	copy(score, ll[:m])
	for b := 1; b < n; b++ {
		pen := switchPenalty
		if blocks[b].region != blocks[b-1].region || blocks[b].cue {
			pen = gapPenalty
		}
		best := 0
		for c := 1; c < m; c++ {
			if score[c] > score[best] {
				best = c
			}
		}
		for c := range m {
			from, s := c, score[c]
			if score[best]-pen > s {
				from, s = best, score[best]-pen
			}
			next[c] = s + ll[b*m+c]
			back[b*m+c] = int32(from)
		}
		score, next = next, score
	}
	out := make([]int, n)
	best := 0
	for c := 1; c < m; c++ {
		if score[c] > score[best] {
			best = c
		}
	}
	for b := n - 1; b >= 0; b-- {
		out[b] = best
		best = int(back[b*m+best])
	}
	return out
}
