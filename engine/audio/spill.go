package audio

import (
	"bufio"
	"context"
	"unsafe"
)

// spillWriter takes a sink's output to a file as raw float32 samples in the
// machine's byte order, which is how MappedPCM reads them back.
type spillWriter struct {
	w *bufio.Writer
	n int64 // samples written
}

// spillKey is the context key under which DecodeFileTo hands its
// spillWriter to the sink the decoder makes. The decoders only pass ctx
// through, so none of them needs to know where its output goes.
type spillKey struct{}

// withSpill returns ctx carrying w.
func withSpill(ctx context.Context, w *spillWriter) context.Context {
	return context.WithValue(ctx, spillKey{}, w)
}

// spillFrom returns the spillWriter ctx carries, or nil.
func spillFrom(ctx context.Context) *spillWriter {
	w, _ := ctx.Value(spillKey{}).(*spillWriter)
	return w
}

// spillAt is how many output samples a spilling sink keeps before it
// writes them out (256 KiB).
const spillAt = 1 << 16

// write appends x to the file.
func (w *spillWriter) write(x []float32) error {
	if len(x) == 0 {
		return nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
	if _, err := w.w.Write(b); err != nil {
		return err
	}
	w.n += int64(len(x))
	return nil
}

// spillOut writes all of a spilling sink's output but the last sample to
// its file once there is enough of it. Keeping one sample means finish
// returns samples exactly when the decoder produced some, so the decoders'
// "no samples" checks work unchanged; DecodeFileTo writes that tail.
func (s *sink) spillOut() error {
	if s.spill == nil || len(s.out) < spillAt {
		return nil
	}
	last := len(s.out) - 1
	if err := s.spill.write(s.out[:last]); err != nil {
		return err
	}
	s.out[0] = s.out[last]
	s.out = s.out[:1]
	return nil
}
