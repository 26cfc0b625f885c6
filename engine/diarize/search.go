package diarize

import (
	"math"
)

// search finds, for each number of speakers, a good labelling of the
// blocks; see segmentSpeakers.
type search struct {
	emb      [][]float64 // normalized window embeddings
	full     []int       // windows long enough to cluster
	merges   []merge     // AHC over full
	wins     []window
	blocks   []block
	blockWin []int // window whose centre is nearest each block's centre
	winBlock []int // block holding each window's centre
}

func newSearch(emb [][]float64, full []int, wins []window, blocks []block) *search {
	s := &search{emb: emb, full: full, wins: wins, blocks: blocks}
	vecs := make([][]float64, len(full))
	for i, w := range full {
		vecs[i] = emb[w]
	}
	s.merges = ahc(vecs)
	ids := make([]int, len(wins))
	for i := range ids {
		ids[i] = i
	}
	s.blockWin = blockLabels(blocks, wins, ids)
	s.winBlock = make([]int, len(wins))
	b := 0
	for w, win := range wins {
		c := win.center()
		for b+1 < len(blocks) && (blocks[b].region < win.region || (blocks[b].region == win.region && blocks[b].end <= c)) {
			b++
		}
		s.winBlock[w] = b
	}
	return s
}

// next returns the best segmentation found into k speakers, given the
// best one into k-1 (nil for k = 1): it tries the AHC clusters cut at k and
// every split of one cluster of prev, refines each with resegment, and
// keeps the most likely.
func (s *search) next(prev *segmentation, k int) segmentation {
	init := blockLabels(s.blocks, s.wins, windowLabels(s.emb, s.full, s.merges, k))
	best := resegment(s.blocks, init, k)
	if prev == nil {
		return best
	}
	for c := range k - 1 {
		split, ok := s.split(prev.labels, c, k-1)
		if !ok {
			continue
		}
		if seg := resegment(s.blocks, split, k); better(seg, best, k) {
			best = seg
		}
	}
	return best
}

// better reports whether a is a better segmentation into k speakers than
// b: it keeps more of the k models, or as many with a higher likelihood.
func better(a, b segmentation, k int) bool {
	if min(a.speakers, k) != min(b.speakers, k) {
		return a.speakers > b.speakers
	}
	return a.logLik > b.logLik
}

// split returns block labels where cluster c of labels is cut in two, the
// new part labelled next: the full windows centred in c are split at the
// mean of their first principal component, refined by 2-means, and each
// block of c follows its nearest window.
func (s *search) split(labels []int, c, next int) ([]int, bool) {
	var members []int
	for _, w := range s.full {
		if labels[s.winBlock[w]] == c {
			members = append(members, w)
		}
	}
	if len(members) < 4 {
		return nil, false
	}
	dim := len(s.emb[0])
	mean := make([]float64, dim)
	for _, w := range members {
		for k, v := range s.emb[w] {
			mean[k] += v
		}
	}
	for k := range mean {
		mean[k] /= float64(len(members))
	}
	// First principal component by power iteration.
	pc := make([]float64, dim)
	for k := range pc {
		pc[k] = 1 / math.Sqrt(float64(dim))
	}
	next2 := make([]float64, dim)
	for range 30 {
		clear(next2)
		for _, w := range members {
			var p float64
			for k, v := range s.emb[w] {
				p += (v - mean[k]) * pc[k]
			}
			for k, v := range s.emb[w] {
				next2[k] += p * (v - mean[k])
			}
		}
		var norm float64
		for _, v := range next2 {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			return nil, false
		}
		for k := range pc {
			pc[k] = next2[k] / norm
		}
	}
	side := make(map[int]bool, len(members)) // true: the new part
	for _, w := range members {
		var p float64
		for k, v := range s.emb[w] {
			p += (v - mean[k]) * pc[k]
		}
		side[w] = p > 0
	}
	// 2-means refinement.
	cent := [2][]float64{make([]float64, dim), make([]float64, dim)}
	for range 5 {
		var n [2]float64
		clear(cent[0])
		clear(cent[1])
		for _, w := range members {
			i := 0
			if side[w] {
				i = 1
			}
			n[i]++
			for k, v := range s.emb[w] {
				cent[i][k] += v
			}
		}
		if n[0] < 2 || n[1] < 2 {
			return nil, false
		}
		for i := range 2 {
			for k := range cent[i] {
				cent[i][k] /= n[i]
			}
		}
		for _, w := range members {
			var d0, d1 float64
			for k, v := range s.emb[w] {
				d0 += (v - cent[0][k]) * (v - cent[0][k])
				d1 += (v - cent[1][k]) * (v - cent[1][k])
			}
			side[w] = d1 < d0
		}
	}
	out := append([]int(nil), labels...)
	for b, l := range labels {
		if l == c && side[s.blockWin[b]] {
			out[b] = next
		}
	}
	return out, true
}

// blockLabels gives each block the label of the window of its region whose
// centre is nearest to the block's centre.
func blockLabels(blocks []block, wins []window, labels []int) []int {
	out := make([]int, len(blocks))
	w := 0
	for b, blk := range blocks {
		c := (blk.start + blk.end) / 2
		for w < len(wins) && wins[w].region < blk.region {
			w++
		}
		for w+1 < len(wins) && wins[w+1].region == blk.region && wins[w+1].center() <= c {
			w++
		}
		best := w
		if w+1 < len(wins) && wins[w+1].region == blk.region && wins[w+1].center()-c < c-wins[w].center() {
			best = w + 1
		}
		out[b] = labels[min(best, len(wins)-1)]
	}
	return out
}
