package diarize

import (
	"fmt"
	"math"
	"os"
	"strconv"
)

// useUBM reports whether the supervector path is on (experiment switch).
func useUBM() bool { return os.Getenv("DIAR_UBM") != "0" }

func expFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

func expInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// spread returns at most n of items, evenly spread.
func spread(items []int, n int) []int {
	if len(items) <= n {
		return items
	}
	out := make([]int, n)
	for i := range out {
		out[i] = items[i*len(items)/n]
	}
	return out
}

// spectralSegment labels the blocks from the supervectors of fs: spectral
// clustering of the windows that have one gives the speakers and their
// number, every other window joins the cluster whose embedding centroid
// is nearest, each block takes its nearest window's label, and
// resegmentation refines the labels.
func spectralSegment(fs *features, emb [][]float64, full []int, wins []window, blocks []block, opts Options) segmentation {
	centreScale(fs.sv)
	hi := max(1, opts.MaxSpeakers)
	lo := min(opts.MinSpeakers, hi)
	labels, k := spectralClusters(fs.sv, lo, hi, opts.Speakers)
	winLab := make([]int, len(wins))
	for i := range winLab {
		winLab[i] = -1
	}
	for w, i := range fs.svIndex {
		if i >= 0 {
			winLab[w] = labels[i]
		}
	}
	cents := centroids(emb, winLab, k)
	for w := range winLab {
		if winLab[w] >= 0 {
			continue
		}
		best, bestD := 0, 2.0
		for c, cent := range cents {
			if cent == nil {
				continue
			}
			if d := cosineDist(emb[w], cent); d < bestD {
				best, bestD = c, d
			}
		}
		winLab[w] = best
	}
	init := blockLabels(blocks, wins, winLab)
	if expInt("DIAR_NORESEG", 0) == 1 {
		return segmentation{labels: init, speakers: k}
	}
	seg := resegment(blocks, init, k)
	if thr := expFloat("DIAR_MERGE", mergeLambda); thr > 0 && opts.Speakers == 0 {
		seg = mergeClose(blocks, seg, thr, lo)
	}
	return seg
}

// mergeClose merges the two speakers least told apart (see separation)
// while their separation is at most thr and more than lo speakers
// remain, resegmenting after each merge.
func mergeClose(blocks []block, seg segmentation, thr float64, lo int) segmentation {
	for {
		ids := map[int]bool{}
		for _, l := range seg.labels {
			ids[l] = true
		}
		if len(ids) <= max(lo, 1) {
			return seg
		}
		a, b, sep := closestPair(blocks, seg.labels)
		if os.Getenv("DIAR_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "  k=%d closest %d,%d sep=%.2f\n", len(ids), a, b, sep)
		}
		if sep > thr {
			return seg
		}
		// Relabel b as a and renumber densely.
		remap := map[int]int{}
		labels := make([]int, len(seg.labels))
		for i, l := range seg.labels {
			if l == b {
				l = a
			}
			id, ok := remap[l]
			if !ok {
				id = len(remap)
				remap[l] = id
			}
			labels[i] = id
		}
		seg = resegment(blocks, labels, len(remap))
	}
}

// closestPair returns the pair of speakers least told apart and their
// separation (see separation).
func closestPair(blocks []block, labels []int) (int, int, float64) {
	acc := map[int]*stats{}
	var ids []int
	for b, l := range labels {
		if acc[l] == nil {
			acc[l] = &stats{}
			ids = append(ids, l)
		}
		acc[l].mergeBlock(&blocks[b].st)
	}
	self := map[int]float64{}
	for _, l := range ids {
		g, ok := fit(acc[l])
		if !ok {
			self[l] = math.NaN()
			continue
		}
		self[l] = g.logLik(acc[l])
	}
	ba, bb, best := -1, -1, math.Inf(1)
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			var m stats
			m.merge(acc[a])
			m.merge(acc[b])
			sep := math.Inf(-1)
			if g, ok := fit(&m); ok && !math.IsNaN(self[a]) && !math.IsNaN(self[b]) {
				scale := min(1, sepFrames/m.n)
				lost := (self[a] + self[b] - g.logLik(&m)) * scale
				sep = lost / (modelParams / 2 * math.Log(m.n*scale))
			}
			if sep < best {
				ba, bb, best = a, b, sep
			}
		}
	}
	return ba, bb, best
}

// mergeLambda: after spectral clustering, two speakers whose separation
// is at most this are merged.
const mergeLambda = 2.0
