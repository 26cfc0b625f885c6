package diarize

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestEigSym(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []float64 {
		a := make([]float64, n*n)
		for i := range n {
			for j := i; j < n; j++ {
				v := rng.NormFloat64()
				a[i*n+j], a[j*n+i] = v, v
			}
		}
		return a
	}
	// The Laplacian of three disjoint cliques of 10: eigenvalue 0 three
	// times, then 10 (27 times).
	const m = 30
	lap := make([]float64, m*m)
	for i := range m {
		for j := range m {
			if i != j && i/10 == j/10 {
				lap[i*m+j] = -1
				lap[i*m+i]++
			}
		}
	}
	for _, tc := range []struct {
		name string
		a    []float64
		n    int
	}{{"random 1", random(1), 1}, {"random 12", random(12), 12}, {"random 200", random(200), 200}, {"cliques", lap, m}} {
		n := tc.n
		orig := append([]float64(nil), tc.a...)
		vals, vecs := eigSym(tc.a, n)
		for j := range n {
			if j > 0 && vals[j] < vals[j-1] {
				t.Fatalf("%s: eigenvalues not ascending: %v", tc.name, vals)
			}
			for i := range n { // (A v)_i = λ v_i
				var s float64
				for k := range n {
					s += orig[i*n+k] * vecs[k*n+j]
				}
				if math.Abs(s-vals[j]*vecs[i*n+j]) > 1e-8 {
					t.Fatalf("%s: eigenpair %d: (Av)_%d = %v, λv_%d = %v", tc.name, j, i, s, i, vals[j]*vecs[i*n+j])
				}
			}
			for j2 := 0; j2 <= j; j2++ { // orthonormal
				var dot float64
				for k := range n {
					dot += vecs[k*n+j] * vecs[k*n+j2]
				}
				want := 0.0
				if j2 == j {
					want = 1
				}
				if math.Abs(dot-want) > 1e-8 {
					t.Fatalf("%s: v%d·v%d = %v, want %v", tc.name, j, j2, dot, want)
				}
			}
		}
		if tc.name == "cliques" {
			for j, want := range []float64{0, 0, 0, 10} {
				if math.Abs(vals[j]-want) > 1e-9 {
					t.Errorf("cliques: eigenvalue %d = %v, want %v", j, vals[j], want)
				}
			}
		}
	}
}

// blobs returns n unit vectors around each of k random directions in dim
// dimensions, and their blob.
func blobs(rng *rand.Rand, k, n, dim int, spread float64) ([][]float64, []int) {
	var vecs [][]float64
	var truth []int
	for c := range k {
		centre := make([]float64, dim)
		for d := range centre {
			centre[d] = rng.NormFloat64()
		}
		for range n {
			v := make([]float64, dim)
			var norm float64
			for d := range v {
				v[d] = centre[d] + spread*rng.NormFloat64()
				norm += v[d] * v[d]
			}
			for d := range v {
				v[d] /= math.Sqrt(norm)
			}
			vecs = append(vecs, v)
			truth = append(truth, c)
		}
	}
	return vecs, truth
}

func TestSpectralClusters(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{1, 2, 3, 4} {
		vecs, truth := blobs(rng, k, 25, 40, 0.5)
		labels, got, _ := spectralClusters(context.Background(), vecs, 1, 8, 0)
		if got != k {
			t.Errorf("%d blobs: found %d clusters", k, got)
			continue
		}
		// Each blob maps to one cluster.
		seen := map[int]int{}
		for i, l := range labels {
			if c, ok := seen[truth[i]]; ok && c != l {
				t.Errorf("%d blobs: blob %d split", k, truth[i])
				break
			}
			seen[truth[i]] = l
		}
	}
	vecs, _ := blobs(rng, 3, 20, 40, 0.5)
	if _, got, _ := spectralClusters(context.Background(), vecs, 1, 8, 5); got != 5 {
		t.Errorf("want 5: got %d clusters", got)
	}
	if _, got, _ := spectralClusters(context.Background(), vecs, 4, 8, 0); got < 4 {
		t.Errorf("lo 4: got %d clusters", got)
	}
}

func TestSpectralClustersCancelled(t *testing.T) {
	vecs, _ := blobs(rand.New(rand.NewPCG(5, 6)), 2, 20, 10, 0.5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := spectralClusters(ctx, vecs, 1, 8, 0); err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
