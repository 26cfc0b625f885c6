package diarize

import "time"

// boundaryReach is how far a speaker change between two words may move to
// reach the widest pause between words: Diarize's turns have the
// resolution of a 0.25 s block, and whisper's word times are no finer.
const boundaryReach = 600 * time.Millisecond

// snapChanges moves each change of speaker between consecutive words to
// the widest pause between words within boundaryReach of it, so that the
// first word of a turn carries the new speaker and the last word of the
// old turn the old one. who is the speaker of each word, spans its start
// and end. A change only moves across words of the two speakers it
// separates, never past another change.
func snapChanges(who []int, spans [][2]time.Duration) {
	gap := func(j int) time.Duration { return spans[j][0] - spans[j-1][1] }
	for i := 1; i < len(who); i++ {
		if who[i] == who[i-1] {
			continue
		}
		at := spans[i][0]
		a, b := who[i-1], who[i]
		// Candidates j: the change put between words j-1 and j.
		best := i
		for j := i - 1; j >= 1 && who[j-1] == a && at-spans[j][0] <= boundaryReach; j-- {
			if gap(j) > gap(best) {
				best = j
			}
		}
		for j := i + 1; j < len(who) && who[j-1] == b && spans[j][0]-at <= boundaryReach; j++ {
			if gap(j) > gap(best) {
				best = j
			}
		}
		for k := min(i, best); k < max(i, best); k++ {
			if best < i {
				who[k] = b
			} else {
				who[k] = a
			}
		}
		i = max(i, best)
	}
}
