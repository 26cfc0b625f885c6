package audio

import (
	"context"
	"time"
)

// sink receives decoded audio block by block, downmixes it to mono,
// resamples it to SampleRate and enforces the duration limit as it goes, so
// a decoder never holds more than one block at the source rate.
type sink struct {
	ctx       context.Context
	rate      int
	channels  int
	maxFrames int64 // 0: unlimited
	limit     time.Duration
	frames    int64
	rs        *resampler
	mono      []float32
	out       []float32
	// spill, when set (DecodeFileTo), receives the output as it grows, so
	// out stays one block long; see spillOut.
	spill *spillWriter
}

// maxGrowth bounds how far a size hint from a header is trusted: at most
// this many output samples per input byte (8 kbit/s MP3 at 16 kHz is 16).
const maxGrowth = 16

// newSink returns a sink for audio of channels channels at rate Hz, which
// the decoder may downmix itself. The limit allows fewer frames when rate
// times channels is above maxWorkRate (see maxFramesFor), which bounds the
// decoder's work as well as the output. hintFrames, when positive, is the
// number of frames the headers announce; the output is preallocated for it,
// within the limit and within maxGrowth samples per byte of the
// fileSize-byte input, so a lying header costs little. When the context
// carries a spill file (DecodeFileTo), samples go there instead of to out.
func newSink(ctx context.Context, rate, channels int, limit time.Duration, hintFrames, fileSize int64) *sink {
	s := &sink{ctx: ctx, rate: rate, channels: channels, limit: limit, rs: newResampler(rate, SampleRate), spill: spillFrom(ctx)}
	if s.spill != nil {
		hintFrames = 0 // the output goes to a file, not to out
	}
	if limit > 0 {
		s.maxFrames = maxFramesFor(limit, rate, channels)
		if hintFrames > s.maxFrames {
			// checkFrames refuses it: allocate nothing for it.
			hintFrames = 0
		}
	}
	if hintFrames > 0 {
		n := hintFrames*SampleRate/int64(rate) + 1
		n = min(n, fileSize*maxGrowth)
		s.out = make([]float32, 0, n)
	}
	return s
}

// checkFrames returns ErrTooLong if frames at the sink's rate exceed the
// limit. Decoders call it with header counts to fail before decoding.
func (s *sink) checkFrames(frames int64) error {
	if s.maxFrames > 0 && frames > s.maxFrames {
		return tooLong(frames, s.rate, s.channels, s.limit)
	}
	return nil
}

// writeInterleaved adds frames of interleaved samples with the given number
// of channels.
func (s *sink) writeInterleaved(x []float32, channels int) error {
	n := len(x) / channels
	s.mono = growFloats(s.mono, n)
	switch channels {
	case 1:
		copy(s.mono, x)
	case 2:
		for i := range s.mono {
			s.mono[i] = (x[2*i] + x[2*i+1]) * 0.5
		}
	default:
		scale := 1 / float32(channels)
		for i := range s.mono {
			var sum float32
			for _, v := range x[i*channels : (i+1)*channels] {
				sum += v
			}
			s.mono[i] = sum * scale
		}
	}
	return s.writeMono(s.mono)
}

// writeMono adds mono samples. It clamps them to [-1, 1] and replaces NaN
// with silence, so a float source cannot poison the filter. x may be
// modified.
func (s *sink) writeMono(x []float32) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	s.frames += int64(len(x))
	if err := s.checkFrames(s.frames); err != nil {
		return err
	}
	clamp(x)
	from := len(s.out)
	s.out = s.rs.process(s.out, x)
	clamp(s.out[from:])
	return s.spillOut()
}

// finish flushes the resampler and returns the samples at SampleRate.
func (s *sink) finish() []float32 {
	from := len(s.out)
	s.out = s.rs.flush(s.out)
	clamp(s.out[from:])
	return s.out
}

// clamp limits x to [-1, 1] and turns NaN into 0.
func clamp(x []float32) {
	for i, v := range x {
		switch {
		case v > 1:
			x[i] = 1
		case v < -1:
			x[i] = -1
		case v != v:
			x[i] = 0
		}
	}
}

// growFloats returns b resized to n, reusing its array when it is big enough.
func growFloats(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}
