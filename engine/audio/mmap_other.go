//go:build !linux

package audio

import (
	"io"
	"os"
	"unsafe"
)

// mapping holds the samples in the heap where the engine does not map
// files (not Linux): DecodeFileTo still streams while decoding, but the
// result costs as much memory as DecodeFile's.
type mapping struct{}

// mapSamples reads the first n float32 samples of f.
func mapSamples(f *os.File, n int64) (mapping, []float32, error) {
	samples := make([]float32, n)
	if n == 0 {
		return mapping{}, samples, nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&samples[0])), 4*n)
	if _, err := f.ReadAt(b, 0); err != nil && err != io.EOF {
		return mapping{}, nil, err
	}
	return mapping{}, samples, nil
}

func (mapping) release(from, to int64) {}

func (*mapping) close() error { return nil }
