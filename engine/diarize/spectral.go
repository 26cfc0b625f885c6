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
// columns of a row-major n×n matrix: Householder reduction to a
// tridiagonal matrix, then the QL algorithm with implicit shifts (the
// EISPACK tred2 and tql2 routines, as in JAMA), O(n³).
func eigSym(a []float64, n int) ([]float64, []float64) {
	v := a // v[i*n+j]: row i, column j
	d := make([]float64, n)
	e := make([]float64, n)
	tred2(v, d, e, n)
	tql2(v, d, e, n)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		switch {
		case d[x] < d[y]:
			return -1
		case d[x] > d[y]:
			return 1
		}
		return 0
	})
	vals := make([]float64, n)
	vecs := make([]float64, n*n)
	for j, o := range order {
		vals[j] = d[o]
		for k := range n {
			vecs[k*n+j] = v[k*n+o]
		}
	}
	return vals, vecs
}

// tred2 reduces the symmetric matrix v to tridiagonal form by Householder
// similarity transformations, leaving the diagonal in d, the subdiagonal
// in e[1:] and the accumulated transformation in v.
func tred2(v, d, e []float64, n int) {
	for j := range n {
		d[j] = v[(n-1)*n+j]
	}
	for i := n - 1; i > 0; i-- {
		var scale, h float64
		for k := range i {
			scale += math.Abs(d[k])
		}
		if scale == 0 {
			e[i] = d[i-1]
			for j := range i {
				d[j] = v[(i-1)*n+j]
				v[i*n+j] = 0
				v[j*n+i] = 0
			}
		} else {
			for k := range i {
				d[k] /= scale
				h += d[k] * d[k]
			}
			f := d[i-1]
			g := math.Sqrt(h)
			if f > 0 {
				g = -g
			}
			e[i] = scale * g
			h -= f * g
			d[i-1] = f - g
			for j := range i {
				e[j] = 0
			}
			for j := range i {
				f = d[j]
				v[j*n+i] = f
				g = e[j] + v[j*n+j]*f
				for k := j + 1; k < i; k++ {
					g += v[k*n+j] * d[k]
					e[k] += v[k*n+j] * f
				}
				e[j] = g
			}
			f = 0
			for j := range i {
				e[j] /= h
				f += e[j] * d[j]
			}
			hh := f / (h + h)
			for j := range i {
				e[j] -= hh * d[j]
			}
			for j := range i {
				f = d[j]
				g = e[j]
				for k := j; k < i; k++ {
					v[k*n+j] -= f*e[k] + g*d[k]
				}
				d[j] = v[(i-1)*n+j]
				v[i*n+j] = 0
			}
		}
		d[i] = h
	}
	for i := 0; i < n-1; i++ {
		v[(n-1)*n+i] = v[i*n+i]
		v[i*n+i] = 1
		h := d[i+1]
		if h != 0 {
			for k := 0; k <= i; k++ {
				d[k] = v[k*n+i+1] / h
			}
			for j := 0; j <= i; j++ {
				var g float64
				for k := 0; k <= i; k++ {
					g += v[k*n+i+1] * v[k*n+j]
				}
				for k := 0; k <= i; k++ {
					v[k*n+j] -= g * d[k]
				}
			}
		}
		for k := 0; k <= i; k++ {
			v[k*n+i+1] = 0
		}
	}
	for j := range n {
		d[j] = v[(n-1)*n+j]
		v[(n-1)*n+j] = 0
	}
	v[(n-1)*n+n-1] = 1
	e[0] = 0
}

// tql2 finds the eigenvalues (into d) and eigenvectors (into the columns
// of v) of the tridiagonal matrix that tred2 left, by the QL algorithm
// with implicit shifts.
func tql2(v, d, e []float64, n int) {
	for i := 1; i < n; i++ {
		e[i-1] = e[i]
	}
	e[n-1] = 0
	var f, tst1 float64
	const eps = 0x1p-52
	for l := range n {
		tst1 = max(tst1, math.Abs(d[l])+math.Abs(e[l]))
		m := l
		for m < n-1 && math.Abs(e[m]) > eps*tst1 {
			m++
		}
		if m > l {
			for iter := 0; iter < 60; iter++ {
				g := d[l]
				p := (d[l+1] - g) / (2 * e[l])
				r := math.Hypot(p, 1)
				if p < 0 {
					r = -r
				}
				d[l] = e[l] / (p + r)
				d[l+1] = e[l] * (p + r)
				dl1 := d[l+1]
				h := g - d[l]
				for i := l + 2; i < n; i++ {
					d[i] -= h
				}
				f += h
				p = d[m]
				c, c2, c3 := 1.0, 1.0, 1.0
				el1 := e[l+1]
				var s, s2 float64
				for i := m - 1; i >= l; i-- {
					c3 = c2
					c2 = c
					s2 = s
					g = c * e[i]
					h = c * p
					r = math.Hypot(p, e[i])
					e[i+1] = s * r
					s = e[i] / r
					c = p / r
					p = c*d[i] - s*g
					d[i+1] = h + s*(c*g+s*d[i])
					for k := range n {
						h = v[k*n+i+1]
						v[k*n+i+1] = s*v[k*n+i] + c*h
						v[k*n+i] = c*v[k*n+i] - s*h
					}
				}
				p = -s * s2 * c3 * el1 * e[l] / dl1
				e[l] = s * p
				d[l] = c * p
				if math.Abs(e[l]) <= eps*tst1 {
					break
				}
			}
		}
		d[l] += f
		e[l] = 0
	}
}
