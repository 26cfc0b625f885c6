package audio

import (
	"os"
	"syscall"
	"unsafe"
)

// mapping is a read-only shared mapping of a file.
type mapping struct{ b []byte }

// mapSamples maps the first n float32 samples of f.
func mapSamples(f *os.File, n int64) (mapping, []float32, error) {
	if n == 0 {
		return mapping{}, []float32{}, nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(4*n), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return mapping{}, nil, os.NewSyscallError("mmap", err)
	}
	return mapping{b: b}, unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n), nil
}

// release drops the whole pages inside bytes [from, to) from the process's
// resident set. MADV_DONTNEED on a read-only file mapping only unmaps the
// pages; their content comes back from the file when read again.
func (m mapping) release(from, to int64) {
	page := int64(os.Getpagesize())
	from = (from + page - 1) / page * page
	to = to / page * page
	if m.b == nil || from >= to {
		return
	}
	_ = syscall.Madvise(m.b[from:to], syscall.MADV_DONTNEED)
}

// close unmaps the file.
func (m *mapping) close() error {
	if m.b == nil {
		return nil
	}
	err := syscall.Munmap(m.b)
	m.b = nil
	return err
}
