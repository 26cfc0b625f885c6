package diarize

import (
	"cmp"
	"slices"
	"time"
)

// Apply parameters.
const (
	// snapReach is how far a turn boundary moves to meet a change point.
	snapReach = time.Second
	// flipMax is the longest run of words, bounded by one other speaker on
	// both sides, that is taken as a labelling error and relabelled.
	flipMax = 600 * time.Millisecond
	// flipGap is the longest pause around such a run: a short answer after
	// a pause is kept.
	flipGap = 500 * time.Millisecond
)

// sortedTurns returns the non-empty turns sorted by start.
func sortedTurns(turns []Turn) []Turn {
	out := make([]Turn, 0, len(turns))
	for _, t := range turns {
		if t.End > t.Start && t.Speaker >= 0 {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b Turn) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// snapTurns moves each boundary between adjacent turns of different
// speakers to the nearest change point within snapReach, if that keeps
// both turns non-empty.
func snapTurns(turns []Turn, changePoints []time.Duration) []Turn {
	if len(changePoints) == 0 {
		return turns
	}
	cps := slices.Clone(changePoints)
	slices.Sort(cps)
	for i := 1; i < len(turns); i++ {
		a, b := &turns[i-1], &turns[i]
		if a.Speaker == b.Speaker || b.Start-a.End > snapReach {
			continue
		}
		mid := (a.End + b.Start) / 2
		j, _ := slices.BinarySearch(cps, mid)
		best, found := time.Duration(0), false
		for _, k := range []int{j - 1, j} {
			if k < 0 || k >= len(cps) || absDur(cps[k]-mid) > snapReach {
				continue
			}
			if !found || absDur(cps[k]-mid) < absDur(best-mid) {
				best, found = cps[k], true
			}
		}
		if !found || best <= a.Start || best >= b.End {
			continue
		}
		if best >= a.End && best <= b.Start {
			continue // already in the pause between the turns
		}
		a.End, b.Start = best, best
	}
	return turns
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// speakerAt returns the speaker whose turns overlap [start, end] most, or
// of the turn nearest to it when none overlaps. turns are sorted and
// non-empty.
func speakerAt(turns []Turn, start, end time.Duration) int {
	end = max(end, start)
	i, _ := slices.BinarySearchFunc(turns, start, func(t Turn, at time.Duration) int { return cmp.Compare(t.End, at) })
	overlap := map[int]time.Duration{}
	best, bestOv := -1, time.Duration(0)
	for j := i; j < len(turns) && turns[j].Start <= end; j++ {
		ov := min(end, turns[j].End) - max(start, turns[j].Start)
		if ov < 0 || (ov == 0 && end > start) {
			continue
		}
		overlap[turns[j].Speaker] += ov
		if v := overlap[turns[j].Speaker]; best < 0 || v > bestOv {
			best, bestOv = turns[j].Speaker, v
		}
	}
	if best >= 0 {
		return best
	}
	// Nearest turn: the one ending before start or the one starting after end.
	mid := (start + end) / 2
	best, dist := turns[0].Speaker, time.Duration(-1)
	for _, j := range []int{i - 1, i} {
		if j < 0 || j >= len(turns) {
			continue
		}
		d := max(turns[j].Start-mid, mid-turns[j].End, 0)
		if dist < 0 || d < dist {
			best, dist = turns[j].Speaker, d
		}
	}
	return best
}

// smoothFlips relabels each run of words shorter than flipMax whose
// neighbours on both sides, within flipGap, share another speaker.
func smoothFlips(who []int, spans [][2]time.Duration) {
	for i := 1; i < len(who); {
		j := i
		for j < len(who) && who[j] == who[i] {
			j++
		}
		if j < len(who) && who[i-1] == who[j] && who[i] != who[j] &&
			spans[j-1][1]-spans[i][0] < flipMax &&
			spans[i][0]-spans[i-1][1] < flipGap && spans[j][0]-spans[j-1][1] < flipGap {
			for k := i; k < j; k++ {
				who[k] = who[j]
			}
			// The run joins its neighbours; look again from the run before.
			for i > 1 && who[i-1] == who[i] {
				i--
			}
			continue
		}
		i = j
	}
}
