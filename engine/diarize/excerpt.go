package diarize

// The speaker count of a long recording is estimated on an excerpt of
// excerptBlocks blocks (90 s of speech), in chunks of chunkBlocks (10 s).
const (
	excerptBlocks = 360
	chunkBlocks   = 40
)

// excerpt returns the search restricted to excerptBlocks blocks, taken in
// chunks of chunkBlocks spread evenly over the recording, or nil when the
// recording has no more blocks than that. The separation of speakers grows
// with the speech it is measured on while its threshold was tuned on
// conversations of about a minute, so on a long recording it would take
// small drifts in one voice (its level, pace, the topic) for more
// speakers; on an excerpt of the tuned length it does not.
//
// src gives, for each block of the excerpt, its index in s.blocks.
func (s *search) excerpt() (ex *search, src []int) {
	n := len(s.blocks)
	if n <= excerptBlocks {
		return nil, nil
	}
	chunks := excerptBlocks / chunkBlocks
	at := make([]int, n) // index in the excerpt, or -1
	for i := range at {
		at[i] = -1
	}
	var blocks []block
	for c := range chunks {
		start := c * (n - chunkBlocks) / (chunks - 1)
		for b := start; b < start+chunkBlocks; b++ {
			if at[b] >= 0 {
				continue
			}
			blk := s.blocks[b]
			// A new region wherever the excerpt skips blocks or the
			// recording pauses, so that Viterbi charges a gap there.
			switch prev := len(blocks) - 1; {
			case prev < 0:
				blk.region = 0
			case at[b-1] == prev && s.blocks[b-1].region == s.blocks[b].region:
				blk.region = blocks[prev].region
			default:
				blk.region = blocks[prev].region + 1
			}
			at[b] = len(blocks)
			blocks = append(blocks, blk)
			src = append(src, b)
		}
	}
	var wins []window
	var emb [][]float64
	var full []int
	isFull := make(map[int]bool, len(s.full))
	for _, w := range s.full {
		isFull[w] = true
	}
	for w, win := range s.wins {
		b := at[s.winBlock[w]]
		if b < 0 {
			continue
		}
		win.region = blocks[b].region
		if isFull[w] {
			full = append(full, len(wins))
		}
		wins = append(wins, win)
		emb = append(emb, s.emb[w])
	}
	if len(full) < 2 {
		return nil, nil
	}
	return newSearch(emb, full, wins, blocks), src
}
