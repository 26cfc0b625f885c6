package export

import (
	"math"
	"time"
)

// splitSegment groups a segment's tokens into cues that fit b and last at
// most maxDur, unless a cue is a single token. The first cue starts at start
// and the last ends at end; the others take their tokens' times. Every token
// must fit on a line of its own.
//
// Of all the groupings that fit, it returns the one with the least total
// squared unused room, less a bonus for each cue that ends a sentence or a
// clause: cues come out evenly filled and, where it costs little, end with
// a full stop or a comma.
func splitSegment(toks []token, b budget, maxDur, start, end time.Duration) []span {
	n := len(toks)
	if n == 0 {
		return nil
	}
	cueStart := func(i int) time.Duration {
		if i == 0 {
			return start
		}
		return toks[i].start
	}
	cueEnd := func(j int) time.Duration {
		if j == n {
			return end
		}
		return toks[j-1].end
	}
	capacity := float64(b.first + (b.lines-1)*b.rest)
	bonus := [3]float64{0, capacity * capacity / 36, capacity * capacity / 9}

	cost := make([]float64, n+1)
	from := make([]int, n+1)
	for j := 1; j <= n; j++ {
		cost[j] = math.Inf(1)
	}
	for i := range n {
		l := layout{b: b}
		for j := i + 1; j <= n; j++ {
			fits := l.add(toks[j-1])
			if j > i+1 && (!fits || cueEnd(j)-cueStart(i) > maxDur) {
				break
			}
			slack := capacity - float64(l.chars)
			c := cost[i] + slack*slack - bonus[endsClause(toks[j-1])]
			if c < cost[j] {
				cost[j], from[j] = c, i
			}
		}
	}

	var spans []span
	for j := n; j > 0; j = from[j] {
		i := from[j]
		spans = append(spans, span{toks: toks[i:j], start: cueStart(i), end: cueEnd(j)})
	}
	for i, j := 0, len(spans)-1; i < j; i, j = i+1, j-1 {
		spans[i], spans[j] = spans[j], spans[i]
	}
	return spans
}

// span is the tokens of one cue with the cue's times.
type span struct {
	toks       []token
	start, end time.Duration
}
