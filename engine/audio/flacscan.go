package audio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
)

// The FLAC frame header as the format specification lays it out
// (https://xiph.org/flac/format.html#frame_header). mewkiz/flac parses it
// only on the way to decoding the frame, and a frame has no length field,
// so counting the frames of a stream without decoding them means finding
// each header: a sync code, a valid CRC-8 and the frame or sample number
// that the count so far predicts.

// maxFLACHeader is the longest frame header: 4 fixed bytes, a 7-byte
// coded number, 2 bytes of block size, 2 of sample rate and the CRC-8.
const maxFLACHeader = 16

// flacFrameHeader is what countFLACFrames needs from a frame header.
type flacFrameHeader struct {
	// variable is true for a variable-blocksize stream, whose headers carry
	// the number of the first sample rather than of the frame.
	variable  bool
	num       uint64
	blockSize int
	// size is the header's length in bytes.
	size int
}

// parseFLACFrameHeader parses the frame header at the start of b. It
// reports false when b does not start with a valid one.
func parseFLACFrameHeader(b []byte) (flacFrameHeader, bool) {
	if len(b) < 5 || b[0] != 0xff || b[1]&0xfe != 0xf8 {
		return flacFrameHeader{}, false
	}
	h := flacFrameHeader{variable: b[1]&1 == 1}
	bsCode, srCode := b[2]>>4, b[2]&0xf
	chCode, bpsCode := b[3]>>4, b[3]>>1&7
	if bsCode == 0 || srCode == 15 || chCode > 10 || bpsCode == 3 || b[3]&1 != 0 {
		return flacFrameHeader{}, false
	}
	// The frame or sample number, coded like UTF-8 up to 36 bits.
	pos := 4
	n, extra := uint64(b[pos]), 0
	switch {
	case n < 0x80:
	case n&0xe0 == 0xc0:
		n, extra = n&0x1f, 1
	case n&0xf0 == 0xe0:
		n, extra = n&0x0f, 2
	case n&0xf8 == 0xf0:
		n, extra = n&0x07, 3
	case n&0xfc == 0xf8:
		n, extra = n&0x03, 4
	case n&0xfe == 0xfc:
		n, extra = n&0x01, 5
	case n == 0xfe:
		n, extra = 0, 6
	default:
		return flacFrameHeader{}, false
	}
	if extra == 6 && !h.variable || len(b) < pos+1+extra {
		return flacFrameHeader{}, false
	}
	for _, c := range b[pos+1 : pos+1+extra] {
		if c&0xc0 != 0x80 {
			return flacFrameHeader{}, false
		}
		n = n<<6 | uint64(c&0x3f)
	}
	h.num = n
	pos += 1 + extra
	// Block size and sample rate codes that store their value at the end.
	tail := 0
	switch bsCode {
	case 1:
		h.blockSize = 192
	case 2, 3, 4, 5:
		h.blockSize = 576 << (bsCode - 2)
	case 6, 7:
		tail = int(bsCode) - 5
		if len(b) < pos+tail {
			return flacFrameHeader{}, false
		}
		v := int(b[pos])
		if tail == 2 {
			v = v<<8 | int(b[pos+1])
		}
		h.blockSize = v + 1
	default:
		h.blockSize = 256 << (bsCode - 8)
	}
	pos += tail
	switch srCode {
	case 12:
		pos++
	case 13, 14:
		pos += 2
	}
	if len(b) < pos+1 || crc8(b[:pos]) != b[pos] {
		return flacFrameHeader{}, false
	}
	h.size = pos + 1
	return h, true
}

// crc8 is the CRC-8 of FLAC frame headers: polynomial x^8+x^2+x+1, zero
// initial value.
func crc8(b []byte) byte {
	var c byte
	for _, v := range b {
		c ^= v
		for range 8 {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// countFLACFrames counts the samples per channel of the FLAC stream at
// in.start from its frame headers alone, without decoding a frame. It stops
// once the count passes limit, when limit is positive. A header counts when
// its CRC-8 is valid and its number follows the frames counted so far, so a
// sync code inside frame data is skipped. Memory use is one read buffer.
func countFLACFrames(ctx context.Context, in input, limit int64) (int64, error) {
	if _, err := in.r.Seek(in.start+4, io.SeekStart); err != nil {
		return 0, err
	}
	br := bufio.NewReaderSize(in.r, 64<<10)
	// Skip the metadata blocks: a flag and type byte, a 24-bit length.
	for last := false; !last; {
		b, err := br.Peek(4)
		if len(b) < 4 {
			return 0, readErr(err, "flac metadata")
		}
		last = b[0]&0x80 != 0
		n := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if m, err := br.Discard(4 + n); m < 4+n {
			return 0, readErr(err, "flac metadata")
		}
	}
	var (
		samples, frames int64
		first           = true
		variable        bool
		base            uint64
	)
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		b, err := br.Peek(maxFLACHeader)
		if len(b) < 2 {
			if err != nil && !errors.Is(err, io.EOF) {
				return 0, err
			}
			return samples, nil
		}
		h, ok := parseFLACFrameHeader(b)
		if ok && first {
			first, variable, base = false, h.variable, h.num
		}
		want := base + uint64(frames)
		if variable {
			want = base + uint64(samples)
		}
		if !ok || h.variable != variable || h.num != want {
			// Not a frame start: go to the next 0xff in the buffer.
			skip := 1
			if buf, _ := br.Peek(br.Buffered()); len(buf) > 1 {
				if j := bytes.IndexByte(buf[1:], 0xff); j >= 0 {
					skip += j
				} else {
					skip = len(buf)
				}
			}
			_, _ = br.Discard(skip)
			continue
		}
		frames++
		samples += int64(h.blockSize)
		if limit > 0 && samples > limit {
			return samples, nil
		}
		_, _ = br.Discard(h.size)
	}
}

// readErr turns a short read inside headers into ErrTruncated and keeps
// other I/O errors.
func readErr(err error, what string) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf(ErrTruncated, "%s", what)
	}
	return err
}
