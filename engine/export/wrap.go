package export

import "math"

// maxBalancedLines is the most lines wrapLines evens out; a cue with more
// lines keeps the greedy layout.
const maxBalancedLines = maxLines

// wrapLines breaks toks into the fewest lines that fit b and returns their
// text. The lines are made as even as possible, by least total squared
// width, with a small bonus for a line ending a clause; on a tie the lower
// line is the longer. Every token must fit on a line of its own.
func wrapLines(toks []token, b budget) []string {
	if len(toks) == 0 {
		return nil
	}
	b.lines = len(toks) // room for any number of lines
	breaks := greedyBreaks(toks, b)
	if lines := len(breaks) - 1; lines > 1 && lines <= maxBalancedLines {
		if even := evenBreaks(toks, b, lines); even != nil {
			breaks = even
		}
	}
	out := make([]string, 0, len(breaks)-1)
	for k := 1; k < len(breaks); k++ {
		out = append(out, joinLine(toks[breaks[k-1]:breaks[k]]))
	}
	return out
}

// greedyBreaks fills each line as far as it goes and returns the index of
// the first token of each line followed by len(toks).
func greedyBreaks(toks []token, b budget) []int {
	breaks := []int{0}
	width := 0
	for i, t := range toks {
		need := t.runes
		if width > 0 && !t.glue {
			need++
		}
		if width > 0 && width+need > b.at(len(breaks)-1) {
			breaks = append(breaks, i)
			width, need = 0, t.runes
		}
		width += need
	}
	return append(breaks, len(toks))
}

// evenBreaks returns the breaks of toks into exactly lines lines that fit b
// with the least cost, or nil if there are none.
func evenBreaks(toks []token, b budget, lines int) []int {
	n := len(toks)
	inf := math.Inf(1)
	// cost[k][j]: the best cost of toks[:j] on k lines; from[k][j]: where the
	// k-th line starts in it.
	cost := make([][]float64, lines+1)
	from := make([][]int, lines+1)
	for k := range cost {
		cost[k] = make([]float64, n+1)
		from[k] = make([]int, n+1)
		for j := range cost[k] {
			cost[k][j] = inf
		}
	}
	cost[0][0] = 0
	for k := 1; k <= lines; k++ {
		room := b.at(k - 1)
		bonus := float64(room*room) / 25
		for i := 0; i < n; i++ {
			if cost[k-1][i] == inf {
				continue
			}
			w := -1
			for j := i + 1; j <= n; j++ {
				w += toks[j-1].runes
				if j == i+1 || !toks[j-1].glue {
					w++
				}
				if w > room {
					break
				}
				c := cost[k-1][i] + float64(w*w)
				if k < lines && endsClause(toks[j-1]) > 0 {
					c -= bonus
				}
				if c < cost[k][j] {
					cost[k][j], from[k][j] = c, i
				}
			}
		}
	}
	if cost[lines][n] == inf {
		return nil
	}
	breaks := make([]int, lines+1)
	breaks[lines] = n
	for k := lines; k > 0; k-- {
		breaks[k-1] = from[k][breaks[k]]
	}
	return breaks
}
