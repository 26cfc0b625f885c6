package audio

import (
	"bufio"
	"errors"
	"io"
)

// bufReadSeeker is a buffered view of r from offset start to its end. It
// exists for go-mp3, which reads a few bytes at a time (one at a time while
// it searches for a frame header) and seeks: without a buffer that is a
// system call per byte on a file.
type bufReadSeeker struct {
	r     io.ReadSeeker
	start int64
	br    *bufio.Reader
	pos   int64 // offset, from start, of the next byte br returns
}

// newBufReadSeeker returns a buffered view of r from start on.
func newBufReadSeeker(r io.ReadSeeker, start int64) (*bufReadSeeker, error) {
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, err
	}
	return &bufReadSeeker{r: r, start: start, br: bufio.NewReaderSize(r, 64<<10)}, nil
}

// Read implements io.Reader.
func (b *bufReadSeeker) Read(p []byte) (int, error) {
	n, err := b.br.Read(p)
	b.pos += int64(n)
	return n, err
}

// Seek implements io.Seeker. Offsets are relative to start. A seek forward
// within the buffer keeps the buffer.
func (b *bufReadSeeker) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = b.pos + offset
	case io.SeekEnd:
		end, err := b.r.Seek(0, io.SeekEnd)
		if err != nil {
			return 0, err
		}
		abs = end - b.start + offset
	default:
		return 0, errors.New("seek: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("seek: negative position")
	}
	if ahead := abs - b.pos; whence != io.SeekEnd && ahead >= 0 && ahead <= int64(b.br.Buffered()) {
		_, _ = b.br.Discard(int(ahead))
		b.pos = abs
		return abs, nil
	}
	if _, err := b.r.Seek(b.start+abs, io.SeekStart); err != nil {
		return 0, err
	}
	b.br.Reset(b.r)
	b.pos = abs
	return abs, nil
}
