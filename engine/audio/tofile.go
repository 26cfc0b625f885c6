package audio

import (
	"bufio"
	"context"
	"fmt"
	"os"
)

// MappedPCM is decoded audio kept in a file rather than in the heap: its
// Samples are a read-only view of a memory mapping. The pages the process
// has read count towards its resident memory until Release drops them; the
// anonymous memory used stays flat whatever the length.
//
// Samples must not be used after Close.
type MappedPCM struct {
	PCM
	mem mapping
}

// DecodeFileTo decodes the audio file at path like DecodeFile, but streams
// the 16 kHz samples to a temporary file "decode-*.tmp" in dir (os.TempDir()
// when dir is "") and maps that file into memory, so a 4-hour file costs no
// more heap than a short one. The temporary file is unlinked as soon as it
// is mapped (and on every error): nothing is left behind once the process
// ends, even after a crash, except a file from a crash during decoding,
// which a sweep of *.tmp names removes.
func DecodeFileTo(ctx context.Context, path, dir string, opts Options) (*MappedPCM, error) {
	f, err := os.CreateTemp(dir, "decode-*.tmp")
	if err != nil {
		return nil, &Error{Op: "decode", Err: fmt.Errorf("temporary file: %w", err)}
	}
	defer f.Close()
	defer os.Remove(f.Name())

	sw := &spillWriter{w: bufio.NewWriterSize(f, 1<<20)}
	pcm, err := DecodeFile(withSpill(ctx, sw), path, opts)
	if err != nil {
		return nil, err
	}
	// The sink kept the last block for the decoder's checks.
	if err := sw.write(pcm.Samples); err != nil {
		return nil, writeError(err)
	}
	if err := sw.w.Flush(); err != nil {
		return nil, writeError(err)
	}
	mem, samples, err := mapSamples(f, sw.n)
	if err != nil {
		return nil, writeError(err)
	}
	m := &MappedPCM{PCM: *pcm, mem: mem}
	m.Samples = samples
	return m, nil
}

// writeError wraps a failure to write or map the temporary file.
func writeError(err error) error {
	return &Error{Op: "decode", Err: fmt.Errorf("temporary file: %w", err)}
}

// Release tells the kernel that Samples[from:to] will not be read soon, so
// their pages leave the process's resident memory (they stay in the page
// cache while it has room). Reading them again is correct, only slower.
func (m *MappedPCM) Release(from, to int) {
	from, to = max(from, 0), min(to, len(m.Samples))
	if from < to {
		m.mem.release(4*int64(from), 4*int64(to))
	}
}

// Close unmaps the samples. It is safe to call more than once.
func (m *MappedPCM) Close() error {
	m.Samples = nil
	return m.mem.close()
}
