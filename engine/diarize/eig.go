package diarize

import (
	"math"
	"sort"
)

// symEigen returns the eigenvalues of the symmetric matrix a (n×n, row
// major, destroyed) in decreasing order, with the matching unit
// eigenvectors as the rows of vecs, by cyclic Jacobi rotations.
func symEigen(a []float64, n int) (vals []float64, vecs [][]float64) {
	v := make([]float64, n*n)
	for i := range n {
		v[i*n+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if math.Abs(apq) < 1e-300 {
					continue
				}
				theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p], a[k*n+q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := range n {
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k], a[q*n+k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := range n {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p], v[k*n+q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool { return a[idx[x]*n+idx[x]] > a[idx[y]*n+idx[y]] })
	vals = make([]float64, n)
	vecs = make([][]float64, n)
	for r, i := range idx {
		vals[r] = a[i*n+i]
		vecs[r] = make([]float64, n)
		for k := range n {
			vecs[r][k] = v[k*n+i]
		}
	}
	return vals, vecs
}
