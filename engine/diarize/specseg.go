package diarize

import (
	"context"
	"math"
)

// Supervector clustering parameters.
const (
	// minSpectral is the fewest full windows the supervector path runs
	// on; a shorter recording is segmented by segmentSpeakers alone.
	minSpectral = 8
	// mergeLambda: after spectral clustering, two speakers whose
	// separation (see separation) is at most this are merged. 1.5 and 3
	// got the count right less often on the real-voice set.
	mergeLambda = 2.0
	// oneLambda: when the eigengap finds one speaker, the best split into
	// two or more is kept if its speakers are all told apart by more than
	// this. A split of one real reader reached 4.7; telephone voices of a
	// man and a woman can score below 5, but the eigengap does not take
	// those for one. On the real-voice set: no change on seed 1,
	// 3-4-speaker DER 14.5% to 13.5% on seed 2 (a threshold of 3 got fewer counts right).
	oneLambda = 5.0
	// wccnDims and wccnFloor: the second pass whitens the supervectors'
	// first wccnDims principal components by their within-speaker
	// covariance, plus wccnFloor times its mean variance on the diagonal.
	wccnDims  = 20
	wccnFloor = 0.01
)

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
// number; every other window joins the cluster whose embedding centroid
// is nearest; each block takes its nearest window's label; resegmentation
// refines the labels; and, unless opts.Speakers fixes the count, speakers
// that the Gaussian models do not tell apart are merged (see mergeClose),
// and when that leaves two or more, the supervectors whitened against the
// variation within those speakers (see whitenWithin) are clustered again
// the same way.
func spectralSegment(ctx context.Context, fs *features, emb [][]float64, wins []window, blocks []block, opts Options) (segmentation, error) {
	centreScale(fs.sv)
	hi := max(1, opts.MaxSpeakers)
	lo := min(opts.MinSpeakers, hi)
	labels, k, err := spectralClusters(ctx, fs.sv, lo, hi, opts.Speakers)
	if err != nil {
		return segmentation{}, err
	}
	seg := fs.segmentFrom(emb, wins, blocks, labels, k, opts, lo)
	if opts.Speakers == 0 && seg.speakers >= 2 {
		// Second pass: the first pass's speakers tell which directions
		// vary within a speaker; whitened against those, the supervectors
		// are clustered again.
		wv := whitenWithin(fs.sv, fs.svLabels(wins, blocks, seg.labels), wccnDims, wccnFloor)
		labels2, k2, err := spectralClusters(ctx, wv, lo, hi, 0)
		if err != nil {
			return segmentation{}, err
		}
		seg, k = fs.segmentFrom(emb, wins, blocks, labels2, k2, opts, lo), k2
	}
	if k == 1 && opts.Speakers == 0 && hi >= 2 {
		// One speaker: unless a split into two or more is clearly told
		// apart.
		labels2, k2, err := spectralClusters(ctx, fs.sv, 2, hi, 0)
		if err != nil {
			return segmentation{}, err
		}
		seg2 := fs.segmentFrom(emb, wins, blocks, labels2, k2, opts, 2)
		if a, _, sep := closestPair(blocks, seg2.labels); a >= 0 && sep > oneLambda {
			return seg2, nil
		}
	}
	return seg, nil
}

// segmentFrom turns the clusters of the windows with a supervector
// (labels, k of them) into block labels: every other window joins the
// cluster whose embedding centroid is nearest, each block takes its
// nearest window's label, resegmentation refines the labels and, unless
// opts.Speakers fixes the count, close speakers are merged down to lo.
func (fs *features) segmentFrom(emb [][]float64, wins []window, blocks []block, labels []int, k int, opts Options, lo int) segmentation {
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
		best, bestD := 0, math.Inf(1)
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
	seg := resegment(blocks, blockLabels(blocks, wins, winLab), k)
	if opts.Speakers == 0 {
		seg = mergeClose(blocks, seg, mergeLambda, lo)
	}
	return seg
}

// mergeClose merges the two speakers least told apart (see closestPair)
// while their separation is at most thr and more than lo speakers
// remain, resegmenting after each merge.
func mergeClose(blocks []block, seg segmentation, thr float64, lo int) segmentation {
	for {
		a, b, sep := closestPair(blocks, seg.labels)
		if a < 0 || sep > thr {
			return seg
		}
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
		if len(remap) < max(lo, 1) {
			return seg
		}
		seg = resegment(blocks, labels, len(remap))
	}
}

// closestPair returns the pair of speakers of labels least told apart and
// their separation: the ratio of the log-likelihood lost by modelling the
// two with one model to the BIC penalty unit (P/2)·log(n_i+n_j), P being a
// model's free parameters (a local BIC). A pair with more than sepFrames
// frames is measured as if it had sepFrames: the loss grows with the
// frames while the penalty grows with their log, so without the cap a long
// recording would split any speaker whose voice drifts a little. A pair
// that a model cannot be fitted to scores −Inf. With one speaker it
// returns −1, −1, +Inf.
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
		self[l] = math.NaN()
		if g, ok := fit(acc[l]); ok {
			self[l] = g.logLik(acc[l])
		}
	}
	ba, bb, best := -1, -1, math.Inf(1)
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			sep := math.Inf(-1)
			var m stats
			m.merge(acc[a])
			m.merge(acc[b])
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
