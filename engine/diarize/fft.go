package diarize

import (
	"math"
	"math/bits"
)

// A radix-2 real FFT of our own rather than gonum.org/v1/gonum/dsp/fourier:
// the features need one transform size (512) and only the power spectrum, so
// sixty lines with precomputed tables avoid a module dependency and every
// per-frame allocation.

// realFFT computes power spectra of real frames of n samples, n a power of
// two, through one complex FFT of n/2 points. It owns scratch buffers, so a
// realFFT is not safe for concurrent use.
type realFFT struct {
	n      int
	rev    []int     // bit-reversal permutation of n/2 indices
	tr, ti []float64 // per stage of size s, its s/2 twiddles exp(-2πik/s), stages in order
	wr, wi []float64 // post-processing twiddles exp(-2πik/n) for k <= n/2
	re, im []float64 // scratch of n/2
}

// newRealFFT returns a realFFT for frames of n samples; n must be a power of
// two, at least 4.
func newRealFFT(n int) *realFFT {
	if n < 4 || n&(n-1) != 0 {
		panic("diarize: FFT size must be a power of two")
	}
	m := n / 2
	f := &realFFT{
		n:   n,
		rev: make([]int, m),
		tr:  make([]float64, 0, m), ti: make([]float64, 0, m),
		wr: make([]float64, m+1), wi: make([]float64, m+1),
		re: make([]float64, m), im: make([]float64, m),
	}
	shift := bits.UintSize - bits.Len(uint(m-1))
	for i := range m {
		f.rev[i] = int(bits.Reverse(uint(i)) >> shift)
	}
	for size := 2; size <= m; size <<= 1 {
		for k := range size / 2 {
			s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(size))
			f.tr, f.ti = append(f.tr, c), append(f.ti, s)
		}
	}
	for k := range m + 1 {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.wr[k], f.wi[k] = c, s
	}
	return f
}

// power writes |X[k]|² for k = 0..n/2 of the DFT X of x (len n) into out
// (len n/2+1).
func (f *realFFT) power(x, out []float64) {
	f.transform(x, func(k int, re, im float64) { out[k] = re*re + im*im })
}

// real writes Re X[k] for k = 0..n/2 of the DFT X of x (len n) into out
// (len n/2+1).
func (f *realFFT) real(x, out []float64) {
	f.transform(x, func(k int, re, _ float64) { out[k] = re })
}

// transform computes the DFT X of x (len n) and calls emit with X[k] for
// k = 0..n/2.
func (f *realFFT) transform(x []float64, emit func(k int, re, im float64)) {
	m := f.n / 2
	re, im := f.re, f.im
	for i := range m {
		j := f.rev[i]
		re[j], im[j] = x[2*i], x[2*i+1]
	}
	tw := 0 // offset of the stage's twiddles
	for size := 2; size <= m; size <<= 1 {
		half := size / 2
		twr, twi := f.tr[tw:tw+half], f.ti[tw:tw+half]
		tw += half
		for start := 0; start < m; start += size {
			ar, ai := re[start:start+half], im[start:start+half]
			br, bi := re[start+half:start+size], im[start+half:start+size]
			for j := range ar {
				wr, wi := twr[j], twi[j]
				xr := br[j]*wr - bi[j]*wi
				xi := br[j]*wi + bi[j]*wr
				br[j], bi[j] = ar[j]-xr, ai[j]-xi
				ar[j], ai[j] = ar[j]+xr, ai[j]+xi
			}
		}
	}
	// Split the half-size transform Z of z[j] = x[2j] + i·x[2j+1] into X:
	// X[k] = (Z[k] + conj Z[m-k])/2 - i·w^k·(Z[k] - conj Z[m-k])/2.
	for k := 0; k <= m; k++ {
		ar, ai := re[k%m], im[k%m]
		br, bi := re[(m-k)%m], -im[(m-k)%m]
		er, ei := (ar+br)/2, (ai+bi)/2
		dr, di := (ar-br)/2, (ai-bi)/2
		// -i·d = (di, -dr); times w^k.
		or, oi := di*f.wr[k]+dr*f.wi[k], di*f.wi[k]-dr*f.wr[k]
		emit(k, er+or, ei+oi)
	}
}
