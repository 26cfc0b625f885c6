package diarize

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// unit returns v scaled to unit length.
func unit(v ...float64) []float64 {
	var n float64
	for _, x := range v {
		n += x * x
	}
	n = math.Sqrt(n)
	for i := range v {
		v[i] /= n
	}
	return v
}

func TestAHCAndCut(t *testing.T) {
	// Three tight groups of directions.
	vecs := [][]float64{
		unit(1, 0.05, 0), unit(1, -0.05, 0), unit(1, 0, 0.05),
		unit(0, 1, 0.05), unit(0.05, 1, 0),
		unit(0, 0.05, 1), unit(0.05, 0, 1), unit(-0.05, 0, 1),
	}
	merges := ahc(vecs)
	if len(merges) != len(vecs)-1 {
		t.Fatalf("%d merges, want %d", len(merges), len(vecs)-1)
	}
	for i := 1; i < len(merges); i++ {
		if merges[i].height < merges[i-1].height {
			t.Fatalf("merge heights not sorted: %v", merges)
		}
	}
	tests := []struct {
		k    int
		want []int
	}{
		{1, []int{0, 0, 0, 0, 0, 0, 0, 0}},
		{3, []int{0, 0, 0, 1, 1, 2, 2, 2}},
		{8, []int{0, 1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tt := range tests {
		if got := cut(merges, len(vecs), tt.k); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("cut at %d = %v, want %v", tt.k, got, tt.want)
		}
	}
}

// naiveAverageLinkage is the textbook O(n³) average-linkage clustering,
// the reference for the nearest-neighbour chain: it returns the sorted
// merge heights.
func naiveAverageLinkage(vecs [][]float64) []float64 {
	clusters := make([][]int, len(vecs))
	for i := range clusters {
		clusters[i] = []int{i}
	}
	var heights []float64
	for len(clusters) > 1 {
		bi, bj, bd := 0, 1, math.Inf(1)
		for i := range clusters {
			for j := i + 1; j < len(clusters); j++ {
				var d float64
				for _, a := range clusters[i] {
					for _, b := range clusters[j] {
						d += cosineDist(vecs[a], vecs[b])
					}
				}
				d /= float64(len(clusters[i]) * len(clusters[j]))
				if d < bd {
					bi, bj, bd = i, j, d
				}
			}
		}
		heights = append(heights, bd)
		clusters[bi] = append(clusters[bi], clusters[bj]...)
		clusters = append(clusters[:bj], clusters[bj+1:]...)
	}
	return heights
}

func TestAHCMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20 {
		vecs := make([][]float64, 3+rng.IntN(20))
		for i := range vecs {
			vecs[i] = unit(rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64())
		}
		merges := ahc(vecs)
		want := naiveAverageLinkage(vecs)
		for i, m := range merges {
			if math.Abs(m.height-want[i]) > 1e-9 {
				t.Fatalf("merge %d at %.6f, want %.6f", i, m.height, want[i])
			}
		}
	}
}
