package diarize

import (
	"context"
)

// pairLambda is the separation two speakers need to count as two:
// merging their models must lose more than pairLambda times the BIC
// penalty of one model. Tuned on synthetic conversations (see the package
// documentation).
const pairLambda = 3.0

// sepFrames caps the frames a pair of speakers is measured on: a minute of
// speech.
const sepFrames = 6000

// segmentSpeakers labels every block with a speaker: opts.Speakers of
// them, or else the most speakers, from opts.MinSpeakers up to
// opts.MaxSpeakers, that are all told apart (see separation). Diarize
// calls it only when the recording has too few full windows for the
// spectral step (minSpectral).
func segmentSpeakers(ctx context.Context, emb [][]float64, full []int, wins []window, blocks []block, opts Options) (segmentation, error) {
	s := newSearch(emb, full, wins, blocks)
	hi := max(1, min(opts.MaxSpeakers, len(s.full)))
	lo := min(opts.MinSpeakers, hi)
	want := min(opts.Speakers, len(s.full))
	return s.run(ctx, want, lo, hi)
}

// run returns the segmentation into want speakers or, with want 0, into
// the most speakers from lo up to hi that are all told apart (lo of them
// even when they are not). Segmentations into
// 1, 2, ... speakers are built in turn, each from the one before (see
// next), so the estimate stops at the first segmentation whose speakers are
// not all told apart.
func (s *search) run(ctx context.Context, want, lo, hi int) (segmentation, error) {
	if want > 0 {
		hi = want
	}
	var best *segmentation
	for k := 1; k <= hi; k++ {
		if err := ctx.Err(); err != nil {
			return segmentation{}, err
		}
		seg := s.next(best, k)
		if want == 0 && k > lo && (seg.speakers < k || separation(s.blocks, seg.labels) <= pairLambda) {
			break
		}
		best = &seg
		if seg.speakers < k {
			break
		}
	}
	return *best, nil
}

// separation returns how well the speakers of a segmentation are told
// apart: the separation of the pair least told apart (see closestPair),
// +Inf with one speaker and 0 when a model cannot be fitted.
func separation(blocks []block, labels []int) float64 {
	_, _, sep := closestPair(blocks, labels)
	return max(sep, 0)
}
