package diarize

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// turn builds a Turn from seconds.
func turn(start, end float64, speaker int) Turn {
	return Turn{Start: seconds(start), End: seconds(end), Speaker: speaker}
}

func TestDER(t *testing.T) {
	ref := []Turn{turn(0, 10, 0), turn(10, 20, 1)}
	tests := []struct {
		name   string
		ref    []Turn
		hyp    []Turn
		collar time.Duration
		want   float64
	}{
		{"perfect", ref, ref, 0, 0},
		{"labels swapped", ref, []Turn{turn(0, 10, 7), turn(10, 20, 3)}, 0, 0},
		{"nothing found", ref, nil, 0, 1},
		{"one speaker for both", ref, []Turn{turn(0, 20, 0)}, 0, 0.5},
		{"half of the second missed", ref, []Turn{turn(0, 10, 0), turn(15, 20, 1)}, 0, 0.25},
		{"false alarm before", ref, []Turn{turn(-4, 10, 0), turn(10, 20, 1)}, 0, 0.2},
		{"boundary 1 s late", ref, []Turn{turn(0, 11, 0), turn(11, 20, 1)}, 0, 0.05},
		// Collars cover [-0.25, 0.25], [9.75, 10.25] and [19.75, 20.25], so
		// 19 s are scored.
		{"boundary in the collar", ref, []Turn{turn(0, 10.2, 0), turn(10.2, 20, 1)}, 250 * time.Millisecond, 0},
		{"boundary past the collar", ref, []Turn{turn(0, 11, 0), turn(11, 20, 1)}, 250 * time.Millisecond, 0.75 / 19},
		{"extra speaker", ref, []Turn{turn(0, 5, 0), turn(5, 10, 2), turn(10, 20, 1)}, 0, 0.25},
		{"overlapping reference", []Turn{turn(0, 10, 0), turn(5, 10, 1)}, []Turn{turn(0, 10, 0)}, 0, 5.0 / 15},
		{"both empty", nil, nil, 0, 0},
		{"no reference speech", nil, []Turn{turn(0, 1, 0)}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DER(tt.ref, tt.hyp, tt.collar); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("DER = %.6f, want %.6f", got, tt.want)
			}
		})
	}
}

// bruteAssignment is the best total of a one-to-one assignment of rows to
// columns of w, by trying every permutation.
func bruteAssignment(w [][]float64) float64 {
	rows, cols := len(w), len(w[0])
	best := 0.0
	used := make([]bool, cols)
	var rec func(r int, total float64)
	rec = func(r int, total float64) {
		if r == rows {
			best = max(best, total)
			return
		}
		rec(r+1, total) // row left unassigned
		for c := range cols {
			if !used[c] {
				used[c] = true
				rec(r+1, total+w[r][c])
				used[c] = false
			}
		}
	}
	rec(0, 0)
	return best
}

func TestMaxAssignmentMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(6)
		w := make([][]float64, rows)
		for r := range w {
			w[r] = make([]float64, cols)
			for c := range w[r] {
				w[r][c] = float64(rng.IntN(10))
			}
		}
		got := 0.0
		seen := map[int]bool{}
		for r, c := range maxAssignment(w) {
			if c < 0 {
				continue
			}
			if seen[c] {
				t.Fatalf("column %d assigned twice in %v", c, w)
			}
			seen[c] = true
			got += w[r][c]
		}
		if want := bruteAssignment(w); got != want {
			t.Fatalf("assignment total %v, want %v for %v", got, want, w)
		}
	}
}
