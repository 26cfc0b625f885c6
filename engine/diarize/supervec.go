package diarize

import "math"

// Supervector parameters.
const (
	// relevance is the MAP relevance factor: a component's mean moves
	// towards a window's frames by N/(N+relevance), N being the
	// component's share of the frames.
	relevance = 4.0
	// cmnStride: every cmnStride-th speech frame counts in the
	// recording's cepstral mean.
	cmnStride = 4
)

// planSupervectors picks the windows that get a supervector: at most
// maxSpectral of the full ones, evenly spread, when there are at least
// minSpectral; with fewer, it leaves fs without the UBM front end and
// Diarize falls back on segmentSpeakers.
func (fs *features) planSupervectors(nwins int, full []int) {
	if len(full) < minSpectral {
		return
	}
	fs.front = newUBMFront()
	fs.svIndex = make([]int, nwins)
	for i := range fs.svIndex {
		fs.svIndex[i] = -1
	}
	pick := spread(full, maxSpectral)
	for i, w := range pick {
		fs.svIndex[w] = i
	}
	fs.sv = make([][]float64, len(pick))
}

// supervector writes into out (u.k·ubmDim) the GMM supervector of frames
// [a, b) (region-local) louder than gate: for each component c of the
// UBM, its mean MAP-adapted to the frames, less the UBM's, in units of the
// UBM's standard deviation and scaled by √weight (the KL-divergence
// kernel). post is scratch of u.k values.
func (fb *frameBuf) supervector(u *ubm, a, b int, gate float64, cmn []float64, post []float64, out []float64) {
	clear(out)
	n := make([]float64, u.k)
	var x [ubmDim]float64
	for pass := 0; pass < 2; pass++ {
		used := 0
		for f := a; f < b; f++ {
			if pass == 0 && fb.energy[f-fb.first] < gate {
				continue
			}
			c := fb.ubmCep(f)
			for d := range x {
				x[d] = float64(c[d]) - cmn[d]
			}
			u.posteriors(x[:], post)
			for m, p := range post {
				if p < 1e-4 {
					continue
				}
				n[m] += p
				row := out[m*ubmDim : (m+1)*ubmDim]
				for d := range x {
					row[d] += p * x[d]
				}
			}
			used++
		}
		if used >= minGated {
			break
		}
	}
	for m := range u.k {
		row := out[m*ubmDim : (m+1)*ubmDim]
		sw := math.Sqrt(u.weight[m])
		for d := range row {
			// (F - N μ) / (N + r), whitened.
			row[d] = sw * (row[d] - n[m]*u.mean[m*ubmDim+d]) / (n[m] + relevance) * u.isd[m*ubmDim+d]
		}
	}
}

// centreScale subtracts the mean of the vectors and scales each to unit
// length: what all windows of a recording share (the channel, the
// language) is removed before they are compared.
func centreScale(vecs [][]float64) {
	if len(vecs) == 0 {
		return
	}
	mean := make([]float64, len(vecs[0]))
	for _, v := range vecs {
		for i, x := range v {
			mean[i] += x
		}
	}
	for i := range mean {
		mean[i] /= float64(len(vecs))
	}
	for _, v := range vecs {
		var norm float64
		for i := range v {
			v[i] -= mean[i]
			norm += v[i] * v[i]
		}
		norm = math.Sqrt(norm) + 1e-12
		for i := range v {
			v[i] /= norm
		}
	}
}
