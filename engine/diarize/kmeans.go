package diarize

import (
	"math"
)

// refineRounds is how many spherical k-means rounds follow the AHC cut.
const refineRounds = 5

// windowLabels labels every window with one of k clusters: the AHC merges
// over the full windows, cut at k clusters, give the initial clusters,
// then spherical k-means rounds assign every window to its nearest centroid
// and re-estimate the centroids from the full windows.
func windowLabels(emb [][]float64, full []int, merges []merge, k int) []int {
	init := cut(merges, len(full), k)

	labels := make([]int, len(emb))
	for i := range labels {
		labels[i] = -1
	}
	for i, w := range full {
		labels[w] = init[i]
	}
	cents := centroids(emb, labels, k)
	for range refineRounds {
		changed := assign(emb, cents, labels)
		fullLabels := make([]int, len(emb))
		for i := range fullLabels {
			fullLabels[i] = -1
		}
		for _, w := range full {
			fullLabels[w] = labels[w]
		}
		cents = centroids(emb, fullLabels, k)
		if !changed {
			break
		}
	}
	assign(emb, cents, labels)
	return labels
}

// centroids returns the normalized mean of the embeddings of each label
// 0..k-1 (windows labelled -1 are skipped); a label without windows gets a
// nil centroid.
func centroids(emb [][]float64, labels []int, k int) [][]float64 {
	cents := make([][]float64, k)
	for i, l := range labels {
		if l < 0 {
			continue
		}
		if cents[l] == nil {
			cents[l] = make([]float64, len(emb[i]))
		}
		for d, v := range emb[i] {
			cents[l][d] += v
		}
	}
	for _, c := range cents {
		if c == nil {
			continue
		}
		var norm float64
		for _, v := range c {
			norm += v * v
		}
		norm = math.Sqrt(norm) + 1e-12
		for d := range c {
			c[d] /= norm
		}
	}
	return cents
}

// assign sets each label to the nearest non-nil centroid by cosine distance
// and reports whether any label changed.
func assign(emb [][]float64, cents [][]float64, labels []int) bool {
	changed := false
	for i, e := range emb {
		best, bestD := labels[i], math.Inf(1)
		for c, cent := range cents {
			if cent == nil {
				continue
			}
			if d := cosineDist(e, cent); d < bestD {
				best, bestD = c, d
			}
		}
		if best != labels[i] {
			labels[i], changed = best, true
		}
	}
	return changed
}
