package diarize

import (
	"os"
	"strconv"
)

// useUBM reports whether the supervector path is on (experiment switch).
func useUBM() bool { return os.Getenv("DIAR_UBM") != "0" }

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
	return resegment(blocks, init, k)
}
