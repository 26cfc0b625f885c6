package audio

import (
	"bufio"
	"context"
	"errors"
	"io"
)

// go-mp3 measures a stream by reading every frame header up front and
// keeping each frame's offset, one allocation or more per frame: a file of
// tiny frames costs memory in proportion to its size before any duration
// check. countMP3 walks the headers the same way with one read buffer, and
// the decoder is given a reader without Seek, which turns go-mp3's own
// walk off.

// countMP3 walks the MP3 frame headers from in.start as go-mp3 does (its
// tag skipping, byte-wise resynchronisation and frame size formula, which
// counts layer I and II headers as layer III frames), so that the count
// agrees with the frames go-mp3 decodes. It returns the sample rate of the
// first frame, as go-mp3 reports it, and the samples per channel; it stops
// counting once they pass limit(rate), when that is positive.
func countMP3(ctx context.Context, in input, limit func(rate int) int64) (rate int, samples int64, err error) {
	if _, err := in.r.Seek(in.start, io.SeekStart); err != nil {
		return 0, 0, err
	}
	br := bufio.NewReaderSize(in.r, 64<<10)
	if b, _ := br.Peek(10); len(b) >= 3 {
		switch {
		case string(b[:3]) == "TAG":
			_, _ = br.Discard(128)
		case string(b[:3]) == "ID3" && len(b) == 10:
			size := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
			_, _ = br.Discard(10 + size)
		}
	}
	stop := int64(0)
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
		}
		b, err := br.Peek(4)
		if len(b) < 4 {
			return rate, samples, ioErr(err)
		}
		h := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		_, _ = br.Discard(4)
		for !goMP3Valid(h) {
			c, err := br.ReadByte()
			if err != nil {
				return rate, samples, ioErr(err)
			}
			h = h<<8 | uint32(c)
		}
		if h>>12&0xf == 0 {
			return 0, 0, errorf(ErrCorrupt, "free bitrate format is not supported")
		}
		lsf := 1
		if h>>19&3 == mpeg1 {
			lsf = 0
		}
		freq := [3]int{44100, 48000, 32000}[h>>10&3] >> lsf
		if rate == 0 {
			rate = freq
			if limit != nil {
				stop = limit(rate)
			}
		}
		samples += 1152 >> lsf
		layer := 4 - int(h>>17&3)
		bitrate := mpegBitrates[lsf][layer-1][h>>12&0xf] * 1000
		size := (144*bitrate/freq + int(h>>9&1)) >> lsf
		if n, err := br.Discard(size - 4); n < size-4 {
			return rate, samples, ioErr(err)
		}
		if stop > 0 && samples > stop {
			return rate, samples, nil
		}
	}
}

// goMP3Valid is go-mp3's test of a frame header: the sync word and no
// reserved version, layer, bitrate, sample rate or emphasis.
func goMP3Valid(h uint32) bool {
	return h&0xffe00000 == 0xffe00000 && h>>19&3 != 1 && h>>17&3 != 0 &&
		h>>12&0xf != 15 && h>>10&3 != 3 && h&3 != 2
}

// ioErr drops io.EOF, which ends a stream, and keeps other read errors.
func ioErr(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// readerOnly hides everything but Read, so that go-mp3 does not walk the
// stream on its own.
type readerOnly struct{ r io.Reader }

// Read implements io.Reader.
func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
