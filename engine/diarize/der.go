package diarize

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// DER returns the diarization error rate of the hypothesis hyp against the
// reference ref: missed speech, false alarm and speaker confusion time over
// the total reference speech time, as in NIST md-eval. Time within collar
// of either end of a reference turn is not scored. Speakers are mapped one
// to one so as to maximize the overlap between mapped speakers (Hungarian
// algorithm), and overlapping turns count once per speaker. With no scored
// reference speech, DER is 0 when the hypothesis has none either, else 1.
func DER(ref, hyp []Turn, collar time.Duration) float64 {
	type event struct {
		at    time.Duration
		kind  int // 0 ref, 1 hyp, 2 collar
		who   int // speaker index
		delta int
	}
	refIDs, hypIDs := speakerIndex(ref), speakerIndex(hyp)
	var ev []event
	for _, t := range ref {
		if t.End > t.Start {
			ev = append(ev, event{t.Start, 0, refIDs[t.Speaker], 1}, event{t.End, 0, refIDs[t.Speaker], -1})
		}
		if collar > 0 {
			for _, b := range []time.Duration{t.Start, t.End} {
				ev = append(ev, event{b - collar, 2, 0, 1}, event{b + collar, 2, 0, -1})
			}
		}
	}
	for _, t := range hyp {
		if t.End > t.Start {
			ev = append(ev, event{t.Start, 1, hypIDs[t.Speaker], 1}, event{t.End, 1, hypIDs[t.Speaker], -1})
		}
	}
	slices.SortFunc(ev, func(a, b event) int { return cmp.Compare(a.at, b.at) })

	refOn := make([]int, len(refIDs))
	hypOn := make([]int, len(hypIDs))
	overlap := make([][]float64, len(refIDs))
	for i := range overlap {
		overlap[i] = make([]float64, len(hypIDs))
	}
	var refTime, hypTime, maxTime float64
	collarOn := 0
	for i, e := range ev {
		if i > 0 && collarOn == 0 && e.at > ev[i-1].at {
			d := (e.at - ev[i-1].at).Seconds()
			nr, nh := 0, 0
			for r, on := range refOn {
				if on == 0 {
					continue
				}
				nr++
				for h, hon := range hypOn {
					if hon > 0 {
						overlap[r][h] += d
					}
				}
			}
			for _, on := range hypOn {
				if on > 0 {
					nh++
				}
			}
			refTime += d * float64(nr)
			hypTime += d * float64(nh)
			maxTime += d * float64(max(nr, nh))
		}
		switch e.kind {
		case 0:
			refOn[e.who] += e.delta
		case 1:
			hypOn[e.who] += e.delta
		default:
			collarOn += e.delta
		}
	}
	if refTime == 0 {
		if hypTime == 0 {
			return 0
		}
		return 1
	}
	var correct float64
	for r, h := range maxAssignment(overlap) {
		if h >= 0 {
			correct += overlap[r][h]
		}
	}
	return max(0, (maxTime-correct)/refTime)
}

// speakerIndex numbers the speakers of turns from 0.
func speakerIndex(turns []Turn) map[int]int {
	ids := map[int]int{}
	for _, t := range turns {
		if _, ok := ids[t.Speaker]; !ok {
			ids[t.Speaker] = len(ids)
		}
	}
	return ids
}

// maxAssignment returns, for each row of the non-negative matrix w, the
// column assigned to it (or -1) in a one-to-one assignment of maximum total
// weight: the Hungarian algorithm on a square cost matrix.
func maxAssignment(w [][]float64) []int {
	rows := len(w)
	cols := 0
	if rows > 0 {
		cols = len(w[0])
	}
	n := max(rows, cols)
	cost := func(i, j int) float64 { // 1-based, padded with zeros
		if i <= rows && j <= cols {
			return -w[i-1][j-1]
		}
		return 0
	}
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	p := make([]int, n+1) // p[j]: row matched to column j
	way := make([]int, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		minv := make([]float64, n+1)
		used := make([]bool, n+1)
		for j := range minv {
			minv[j] = math.Inf(1)
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				if c := cost(i0, j) - u[i0] - v[j]; c < minv[j] {
					minv[j], way[j] = c, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	out := make([]int, rows)
	for i := range out {
		out[i] = -1
	}
	for j := 1; j <= n; j++ {
		if p[j] >= 1 && p[j] <= rows && j <= cols {
			out[p[j]-1] = j - 1
		}
	}
	return out
}
