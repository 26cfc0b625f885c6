package diarize

import (
	"math/rand/v2"
	"testing"
)

// TestWhitenWithin builds two classes that differ a little along one axis
// while each varies a lot along three others: by cosine, most vectors'
// nearest neighbour is then of the other class; whitened by the
// within-class covariance, every vector's nearest neighbour is of its own.
func TestWhitenWithin(t *testing.T) {
	const n, dim = 40, 50
	rng := rand.New(rand.NewPCG(1, 2))
	vecs := make([][]float64, n)
	labels := make([]int, n)
	for i := range vecs {
		labels[i] = i % 2
		v := make([]float64, dim)
		v[0] = 0.3 * float64(2*labels[i]-1)
		for d := 1; d < 4; d++ {
			v[d] = 3 * rng.NormFloat64()
		}
		for d := 4; d < dim; d++ {
			v[d] = 0.05 * rng.NormFloat64()
		}
		vecs[i] = v
	}
	centreScale(vecs)
	if got := nearestSameClass(vecs, labels); got > n*3/4 {
		t.Fatalf("before whitening %d of %d nearest neighbours share the class; the test needs a harder case", got, n)
	}
	w := whitenWithin(vecs, labels, wccnDims, wccnFloor)
	if len(w) != n || len(w[0]) != wccnDims {
		t.Fatalf("got %d vectors of %d dimensions, want %d of %d", len(w), len(w[0]), n, wccnDims)
	}
	if got := nearestSameClass(w, labels); got != n {
		t.Errorf("after whitening %d of %d nearest neighbours share the class, want all", got, n)
	}
}

// nearestSameClass counts the unit vectors whose nearest other vector by
// cosine has the same label.
func nearestSameClass(vecs [][]float64, labels []int) int {
	same := 0
	for i := range vecs {
		best, bestD := -1, 3.0
		for j := range vecs {
			if j == i {
				continue
			}
			if d := cosineDist(vecs[i], vecs[j]); d < bestD {
				best, bestD = j, d
			}
		}
		if labels[best] == labels[i] {
			same++
		}
	}
	return same
}
