package diarize

import (
	"math"
	"slices"
)

// merge is one step of agglomerative clustering: clusters a and b (indices
// of their first member) joined at the given average cosine distance.
type merge struct {
	a, b   int
	height float64
}

// cosineDist returns 1 - cos(x, y) for unit vectors x and y.
func cosineDist(x, y []float64) float64 {
	var s float64
	for i := range x {
		s += x[i] * y[i]
	}
	return 1 - s
}

// ahc clusters the unit vectors with average linkage on cosine distance and
// returns the n-1 merges in order of height. It uses the nearest-neighbour
// chain algorithm, which is exact for average linkage, in O(n²) time and
// memory.
func ahc(vecs [][]float64) []merge {
	n := len(vecs)
	if n < 2 {
		return nil
	}
	d := make([]float64, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := cosineDist(vecs[i], vecs[j])
			d[i*n+j], d[j*n+i] = v, v
		}
	}
	size := make([]int, n)
	for i := range size {
		size[i] = 1
	}
	active := make([]bool, n)
	for i := range active {
		active[i] = true
	}
	merges := make([]merge, 0, n-1)
	chain := make([]int, 0, n)
	for len(merges) < n-1 {
		if len(chain) == 0 {
			for i := range n {
				if active[i] {
					chain = append(chain, i)
					break
				}
			}
		}
		for {
			x := chain[len(chain)-1]
			prev := -1
			if len(chain) > 1 {
				prev = chain[len(chain)-2]
			}
			// Nearest active neighbour of x; ties prefer prev so the chain ends.
			best, bestD := prev, math.Inf(1)
			if prev >= 0 {
				bestD = d[x*n+prev]
			}
			for y := range n {
				if y != x && active[y] && d[x*n+y] < bestD {
					best, bestD = y, d[x*n+y]
				}
			}
			if best == prev {
				chain = chain[:len(chain)-2]
				// Merge prev into x: Lance-Williams update for average linkage.
				a, b := min(x, prev), max(x, prev)
				sa, sb := float64(size[a]), float64(size[b])
				for y := range n {
					if active[y] && y != a && y != b {
						v := (sa*d[a*n+y] + sb*d[b*n+y]) / (sa + sb)
						d[a*n+y], d[y*n+a] = v, v
					}
				}
				size[a] += size[b]
				active[b] = false
				merges = append(merges, merge{a: a, b: b, height: bestD})
				break
			}
			chain = append(chain, best)
		}
	}
	slices.SortStableFunc(merges, func(p, q merge) int {
		switch {
		case p.height < q.height:
			return -1
		case p.height > q.height:
			return 1
		}
		return 0
	})
	return merges
}

// cut applies the first n-k merges to n singletons and returns each item's
// cluster, numbered 0..k-1 in order of first item.
func cut(merges []merge, n, k int) []int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, m := range merges[:max(0, min(len(merges), n-k))] {
		ra, rb := find(m.a), find(m.b)
		if ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	ids := map[int]int{}
	labels := make([]int, n)
	for i := range labels {
		r := find(i)
		id, ok := ids[r]
		if !ok {
			id = len(ids)
			ids[r] = id
		}
		labels[i] = id
	}
	return labels
}
