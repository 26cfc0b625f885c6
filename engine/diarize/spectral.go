package diarize

import (
	"context"
	"math"
	"slices"
)

// Spectral clustering parameters.
const (
	// maxSpectral is the most windows spectral clustering runs on; the
	// others are assigned to its clusters. Its cost grows with the cube.
	maxSpectral = 256
	// pruneSteps is how many neighbour counts p are tried for the
	// affinity graph (see spectralClusters).
	pruneSteps = 8
	// maxPrune is the largest share of the windows that a window keeps as
	// neighbours.
	maxPrune = 0.4
)

// spectralClusters clusters the unit vectors, unless ctx is done, by spectral clustering and
// returns each one's cluster and the number of clusters: want when it is
// not 0, else the one from lo to hi with the largest eigengap. The
// affinity graph keeps, for each vector, an edge to its p most similar
// ones by cosine; p is chosen, among pruneSteps values, to make the
// eigengap of the graph's Laplacian largest relative to p (the
// normalized maximum eigengap of Park et al., 2019, "Auto-tuning spectral
// clustering for speaker diarization using normalized maximum
// eigengap").
func spectralClusters(ctx context.Context, vecs [][]float64, lo, hi, want int) ([]int, int, error) {
	n := len(vecs)
	if n < 3 {
		return make([]int, n), 1, nil
	}
	hi = min(hi, n-1)
	lo = min(max(lo, 1), hi)
	sim := make([]float64, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			s := 1 - cosineDist(vecs[i], vecs[j])
			sim[i*n+j], sim[j*n+i] = s, s
		}
		sim[i*n+i] = math.Inf(-1)
	}
	bestRatio := math.Inf(1)
	var bestVals, bestVecs []float64
	bestK := lo
	for step := 1; step <= pruneSteps; step++ {
		p := max(2, int(math.Round(maxPrune*float64(n)*float64(step)/pruneSteps)))
		if p >= n {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		vals, vecsU := laplacianEigen(sim, n, p)
		k, gap := eigengap(vals, lo, hi)
		if want > 0 {
			k = want
		}
		ratio := float64(p) / float64(n) / (gap + 1e-9)
		if ratio < bestRatio {
			bestRatio, bestVals, bestVecs, bestK = ratio, vals, vecsU, k
		}
	}
	if bestVals == nil {
		return make([]int, n), 1, nil
	}
	return embedKMeans(bestVecs, n, bestK), bestK, nil
}

// laplacianEigen returns the eigenvalues (ascending) and eigenvectors
// (column j of the row-major n×n result for value j) of the Laplacian
// D − A of the graph that joins each item to its p most similar ones
// (binary weights, symmetrized).
func laplacianEigen(sim []float64, n, p int) ([]float64, []float64) {
	a := make([]float64, n*n)
	idx := make([]int, n)
	for i := range n {
		for j := range idx {
			idx[j] = j
		}
		row := sim[i*n : (i+1)*n]
		slices.SortFunc(idx, func(x, y int) int {
			switch {
			case row[x] > row[y]:
				return -1
			case row[x] < row[y]:
				return 1
			}
			return 0
		})
		for _, j := range idx[:p] {
			a[i*n+j] += 0.5
			a[j*n+i] += 0.5
		}
	}
	for i := range n {
		var deg float64
		for j := range n {
			if j != i {
				deg += a[i*n+j]
				a[i*n+j] = -a[i*n+j]
			}
		}
		a[i*n+i] = deg
	}
	return eigSym(a, n)
}

// eigengap returns the k in [lo, hi] with the largest gap between the
// k-th and (k+1)-th smallest eigenvalues, and that gap relative to the
// largest eigenvalue.
func eigengap(vals []float64, lo, hi int) (int, float64) {
	top := vals[len(vals)-1] + 1e-12
	best, bestGap := lo, math.Inf(-1)
	for k := lo; k <= hi && k < len(vals); k++ {
		if g := (vals[k] - vals[k-1]) / top; g > bestGap {
			best, bestGap = k, g
		}
	}
	return best, bestGap
}

// embedKMeans clusters the rows of the first k eigenvectors (vecs, as
// eigSym returns them), scaled to unit length, by k-means seeded with
// farthest points, and returns each row's cluster.
func embedKMeans(vecs []float64, n, k int) []int {
	rows := make([][]float64, n)
	for i := range rows {
		r := make([]float64, k)
		var norm float64
		for j := range k {
			r[j] = vecs[i*n+j]
			norm += r[j] * r[j]
		}
		norm = math.Sqrt(norm) + 1e-12
		for j := range r {
			r[j] /= norm
		}
		rows[i] = r
	}
	dist := func(x, y []float64) float64 {
		var s float64
		for i := range x {
			s += (x[i] - y[i]) * (x[i] - y[i])
		}
		return s
	}
	cents := [][]float64{slices.Clone(rows[0])}
	for len(cents) < k {
		far, farD := 0, -1.0
		for i, r := range rows {
			d := math.Inf(1)
			for _, c := range cents {
				d = min(d, dist(r, c))
			}
			if d > farD {
				far, farD = i, d
			}
		}
		cents = append(cents, slices.Clone(rows[far]))
	}
	labels := make([]int, n)
	for range 30 {
		changed := false
		for i, r := range rows {
			best, bestD := 0, math.Inf(1)
			for c, cent := range cents {
				if d := dist(r, cent); d < bestD {
					best, bestD = c, d
				}
			}
			if labels[i] != best {
				labels[i], changed = best, true
			}
		}
		cnt := make([]float64, k)
		for _, c := range cents {
			clear(c)
		}
		for i, l := range labels {
			cnt[l]++
			for j, v := range rows[i] {
				cents[l][j] += v
			}
		}
		for c := range cents {
			for j := range cents[c] {
				cents[c][j] /= max(cnt[c], 1)
			}
		}
		if !changed {
			break
		}
	}
	return labels
}

// eigSym returns the eigenvalues of the symmetric n×n matrix a (row major,
// overwritten) in ascending order, and the matching eigenvectors as the
// columns of a row-major n×n matrix, by the cyclic Jacobi method.
func eigSym(a []float64, n int) ([]float64, []float64) {
	v := make([]float64, n*n)
	for i := range n {
		v[i*n+i] = 1
	}
	var scale float64
	for _, x := range a {
		scale += x * x
	}
	for range 50 {
		var off float64
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off <= 1e-22*scale {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if math.Abs(apq) < 1e-300 {
					continue
				}
				app, aqq := a[p*n+p], a[q*n+q]
				theta := (aqq - app) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					if k == p || k == q {
						continue
					}
					akp, akq := a[k*n+p], a[k*n+q]
					x, y := c*akp-s*akq, s*akp+c*akq
					a[k*n+p], a[p*n+k] = x, x
					a[k*n+q], a[q*n+k] = y, y
				}
				a[p*n+p] = app - t*apq
				a[q*n+q] = aqq + t*apq
				a[p*n+q], a[q*n+p] = 0, 0
				for k := range n {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		switch {
		case a[x*n+x] < a[y*n+y]:
			return -1
		case a[x*n+x] > a[y*n+y]:
			return 1
		}
		return 0
	})
	vals := make([]float64, n)
	vecs := make([]float64, n*n)
	for j, o := range order {
		vals[j] = a[o*n+o]
		for k := range n {
			vecs[k*n+j] = v[k*n+o]
		}
	}
	return vals, vecs
}
