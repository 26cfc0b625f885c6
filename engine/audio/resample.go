package audio

import "math"

// Resampler design. The output sample n sits at time t = n*in/out in input
// samples; it is the input convolved with a Kaiser-windowed sinc low-pass
// evaluated at t. With out/in reduced to l/m, t = base + phase/l, so there
// are only l distinct fractional offsets ("phases"), and the filter is
// tabulated once per phase: each output is one dot product of taps
// coefficients with taps consecutive inputs. When l is too large for a
// table (odd rates such as 44056 Hz), the table holds interpPhases+1 phases
// and each output interpolates linearly between the two nearest rows.
//
// The low-pass cuts at the lower of the two Nyquist frequencies: it passes
// up to 87.5% of it, reaches filterAtten at 100%, and so also serves as the
// anti-imaging filter when upsampling.
const (
	// filterAtten is the stopband attenuation in dB.
	filterAtten = 80
	// passFraction is the passband edge as a fraction of the lower Nyquist.
	passFraction = 0.875
	// maxTableCoefs bounds the exact polyphase table (2 MiB of float32).
	maxTableCoefs = 1 << 19
	// interpPhases is the phase resolution of the interpolated table.
	interpPhases = 256
)

// resampler converts a mono stream from one sample rate to another. It is
// fed in blocks and keeps only taps inputs of history, so a long file is
// resampled in bounded memory.
type resampler struct {
	identity bool
	l, m     int // out/in = l/m, reduced
	taps     int // coefficients per phase, even
	// coefs holds the phase rows, taps each: row p is for phase p/l in
	// exact mode and p/interpPhases in interpolated mode.
	coefs  []float32
	interp bool

	// buf holds inputs with absolute indices off, off+1, ...; indices
	// below 0 are the zeros that precede the signal.
	buf []float32
	off int64
	// n counts inputs received. base and phase locate the next output:
	// t = base + phase/l.
	n     int64
	base  int64
	phase int
}

// newResampler returns a resampler from inRate to outRate Hz. Both must be
// positive.
func newResampler(inRate, outRate int) *resampler {
	if inRate == outRate {
		return &resampler{identity: true}
	}
	g := gcd(inRate, outRate)
	r := &resampler{l: outRate / g, m: inRate / g}

	nyquist := float64(min(inRate, outRate)) / 2
	width := nyquist * (1 - passFraction) / float64(inRate) // transition, cycles per input sample
	cutoff := nyquist * (1 + passFraction) / 2 / float64(inRate)
	// Kaiser's estimate of the length for filterAtten and width.
	n := int(math.Ceil((filterAtten - 7.95) / (14.36 * width)))
	r.taps = n + n%2
	beta := 0.1102 * (filterAtten - 8.7)

	rows := r.l
	if r.l*r.taps > maxTableCoefs {
		r.interp = true
		rows = interpPhases + 1
	}
	r.coefs = make([]float32, rows*r.taps)
	row := make([]float64, r.taps)
	half := r.taps / 2
	for p := range rows {
		frac := float64(p) / float64(r.l)
		if r.interp {
			frac = float64(p) / interpPhases
		}
		var sum float64
		for k := range row {
			// Tap k multiplies input base-half+1+k, at distance t from the
			// output.
			t := frac + float64(half-1-k)
			row[k] = 2 * cutoff * sinc(2*cutoff*t) * kaiser(t/float64(half), beta)
			sum += row[k]
		}
		// Unit gain at DC for every phase, so a constant stays constant.
		for k, c := range row {
			r.coefs[p*r.taps+k] = float32(c / sum)
		}
	}
	r.buf = make([]float32, half-1, 4096)
	r.off = int64(-(half - 1))
	return r
}

// process resamples in and appends the outputs that are complete to out.
func (r *resampler) process(out, in []float32) []float32 {
	if r.identity {
		return append(out, in...)
	}
	r.buf = append(r.buf, in...)
	r.n += int64(len(in))
	return r.drain(out, r.n)
}

// flush pads the end of the input with zeros and appends the remaining
// outputs: ceil(inputs*out/in) outputs in all.
func (r *resampler) flush(out []float32) []float32 {
	if r.identity {
		return out
	}
	r.buf = append(r.buf, make([]float32, r.taps/2)...)
	out = r.drain(out, r.n)
	r.buf = r.buf[:0]
	return out
}

// drain appends every output whose window lies inside buf and whose time is
// before limit (the number of real inputs), then discards the inputs that no
// later output needs.
func (r *resampler) drain(out []float32, limit int64) []float32 {
	half := int64(r.taps / 2)
	end := r.off + int64(len(r.buf)) // one past the last buffered index
	for r.base+half < end && r.base < limit {
		start := int(r.base - half + 1 - r.off)
		x := r.buf[start : start+r.taps]
		var y float32
		if r.interp {
			pos := float64(r.phase) * interpPhases / float64(r.l)
			p := int(pos)
			a := float32(pos - float64(p))
			y0 := dot(x, r.coefs[p*r.taps:(p+1)*r.taps])
			y1 := dot(x, r.coefs[(p+1)*r.taps:(p+2)*r.taps])
			y = y0 + a*(y1-y0)
		} else {
			y = dot(x, r.coefs[r.phase*r.taps:(r.phase+1)*r.taps])
		}
		out = append(out, y)
		r.phase += r.m
		r.base += int64(r.phase / r.l)
		r.phase %= r.l
	}
	// Keep the inputs from the next window's start on.
	if drop := int(r.base - half + 1 - r.off); drop > 0 {
		drop = min(drop, len(r.buf))
		r.buf = r.buf[:copy(r.buf, r.buf[drop:])]
		r.off += int64(drop)
	}
	return out
}

// dot returns the dot product of x and c, which have the same length.
func dot(x, c []float32) float32 {
	x = x[:len(c)]
	var s0, s1, s2, s3 float32
	k := 0
	for ; k+4 <= len(c); k += 4 {
		s0 += x[k] * c[k]
		s1 += x[k+1] * c[k+1]
		s2 += x[k+2] * c[k+2]
		s3 += x[k+3] * c[k+3]
	}
	for ; k < len(c); k++ {
		s0 += x[k] * c[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// sinc is the normalised sinc function sin(pi x)/(pi x).
func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// kaiser is the Kaiser window at x in [-1, 1], 0 outside.
func kaiser(x, beta float64) float64 {
	if x < -1 || x > 1 {
		return 0
	}
	return besselI0(beta*math.Sqrt(1-x*x)) / besselI0(beta)
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series, which converges quickly for the betas used here.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

// gcd returns the greatest common divisor of two positive integers.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
