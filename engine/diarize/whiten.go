package diarize

import "math"

// svLabels returns, for each window with a supervector, the label of the
// block that holds its centre (labels gives each block's).
func (fs *features) svLabels(wins []window, blocks []block, labels []int) []int {
	out := make([]int, len(fs.sv))
	b := 0
	for w, win := range wins {
		c := win.center()
		for b+1 < len(blocks) && (blocks[b].region < win.region || (blocks[b].region == win.region && blocks[b].end <= c)) {
			b++
		}
		if i := fs.svIndex[w]; i >= 0 {
			out[i] = labels[b]
		}
	}
	return out
}

// whitenWithin returns the vectors projected on their first d principal
// components and whitened by the within-class covariance of labels (the
// covariance of each vector about its class mean), to which floor times
// its mean variance is added on the diagonal, each scaled to unit length.
// Directions in which one speaker's windows vary (what is said, the
// level) are shrunk and those that only tell speakers apart stretched:
// within-class covariance normalization (WCCN) estimated on the recording
// itself. The principal components come from the vectors' n×n Gram
// matrix (n is at most maxSpectral), so the cost is O(n²·dim + n³), not
// O(dim³).
func whitenWithin(vecs [][]float64, labels []int, d int, floor float64) [][]float64 {
	n := len(vecs)
	d = min(d, n-1)
	g := make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			var s float64
			for k, v := range vecs[i] {
				s += v * vecs[j][k]
			}
			g[i*n+j], g[j*n+i] = s, s
		}
	}
	vals, u := eigSym(g, n) // ascending
	y := make([][]float64, n)
	for i := range y {
		y[i] = make([]float64, d)
		for c := range d {
			j := n - 1 - c
			y[i][c] = u[i*n+j] * math.Sqrt(max(vals[j], 0))
		}
	}
	// Within-class covariance.
	k := 0
	for _, l := range labels {
		k = max(k, l+1)
	}
	mean := make([][]float64, k)
	cnt := make([]float64, k)
	for i, l := range labels {
		if mean[l] == nil {
			mean[l] = make([]float64, d)
		}
		cnt[l]++
		for c, v := range y[i] {
			mean[l][c] += v
		}
	}
	for l := range mean {
		for c := range mean[l] {
			mean[l][c] /= cnt[l]
		}
	}
	w := make([]float64, d*d)
	for i, l := range labels {
		for a := range d {
			da := y[i][a] - mean[l][a]
			for b := a; b < d; b++ {
				w[a*d+b] += da * (y[i][b] - mean[l][b])
			}
		}
	}
	var tr float64
	for a := range d {
		for b := a; b < d; b++ {
			w[a*d+b] /= float64(n)
			w[b*d+a] = w[a*d+b]
		}
		tr += w[a*d+a]
	}
	for a := range d {
		w[a*d+a] += floor * tr / float64(d)
	}
	ev, evec := eigSym(w, d)
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, d)
		var norm float64
		for c := range d {
			var p float64
			for a := range d {
				p += y[i][a] * evec[a*d+c]
			}
			p /= math.Sqrt(max(ev[c], 1e-12))
			out[i][c] = p
			norm += p * p
		}
		norm = math.Sqrt(norm) + 1e-12
		for c := range out[i] {
			out[i][c] /= norm
		}
	}
	return out
}
