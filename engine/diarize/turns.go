package diarize

import (
	"time"
)

// blockTurns joins consecutive blocks of one region with the same label
// into turns, merges turns shorter than minTurn into a neighbour in the
// same region, and numbers speakers by first appearance.
func blockTurns(blocks []block, labels []int, minTurn time.Duration) []Turn {
	var turns []Turn
	for i := 0; i < len(blocks); {
		var rt []Turn
		j := i
		for ; j < len(blocks) && blocks[j].region == blocks[i].region; j++ {
			if n := len(rt); n > 0 && rt[n-1].Speaker == labels[j] {
				rt[n-1].End = blocks[j].end
				continue
			}
			rt = append(rt, Turn{Start: blocks[j].start, End: blocks[j].end, Speaker: labels[j]})
		}
		turns = append(turns, absorbShort(rt, minTurn)...)
		i = j
	}
	return renumber(turns)
}

// absorbShort merges, shortest first, each turn shorter than minTurn into a
// neighbour of the contiguous turns rt: the neighbours' speaker when they
// agree, else the longer neighbour's.
func absorbShort(rt []Turn, minTurn time.Duration) []Turn {
	for len(rt) > 1 {
		s := -1
		for i, t := range rt {
			if t.Duration() < minTurn && (s < 0 || t.Duration() < rt[s].Duration()) {
				s = i
			}
		}
		if s < 0 {
			break
		}
		to := s - 1
		if s == 0 || (s+1 < len(rt) && rt[s+1].Duration() > rt[s-1].Duration()) {
			to = s + 1
		}
		rt[s].Speaker = rt[to].Speaker
		// Join runs of the same speaker.
		out := rt[:1]
		for _, t := range rt[1:] {
			if out[len(out)-1].Speaker == t.Speaker {
				out[len(out)-1].End = t.End
				continue
			}
			out = append(out, t)
		}
		rt = out
	}
	return rt
}

// renumber numbers speakers from 0 in order of first appearance.
func renumber(turns []Turn) []Turn {
	ids := map[int]int{}
	for i := range turns {
		id, ok := ids[turns[i].Speaker]
		if !ok {
			id = len(ids)
			ids[turns[i].Speaker] = id
		}
		turns[i].Speaker = id
	}
	return turns
}
