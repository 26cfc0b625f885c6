package audio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// flacSpec describes a FLAC file for makeFLAC: frames of blockSize
// samples, every subframe a constant, which costs 2 bytes per channel in
// the file and blockSize samples to decode.
type flacSpec struct {
	rate, channels int
	// nSamples is written in STREAMINFO; 0 means unknown, as a streaming
	// encoder writes it.
	nSamples  uint64
	frames    int
	blockSize int // 16 to 65535
	// variable writes sample numbers (variable-blocksize strategy) instead
	// of frame numbers.
	variable bool
}

// makeFLAC writes a FLAC stream of 8-bit constant subframes, byte by byte
// from the format specification, so tests do not depend on the code under
// test.
func makeFLAC(s flacSpec) []byte {
	var b bytes.Buffer
	b.WriteString("fLaC")
	b.Write([]byte{0x80, 0, 0, 34}) // last block: STREAMINFO, 34 bytes
	bs := uint16(s.blockSize)
	b.Write([]byte{byte(bs >> 8), byte(bs), byte(bs >> 8), byte(bs), 0, 0, 0, 0, 0, 0})
	// 20 bits rate, 3 bits channels-1, 5 bits bits-1, 36 bits samples.
	v := uint64(s.rate)<<44 | uint64(s.channels-1)<<41 | uint64(7)<<36 | s.nSamples&(1<<36-1)
	for i := 7; i >= 0; i-- {
		b.WriteByte(byte(v >> (8 * i)))
	}
	b.Write(make([]byte, 16)) // MD5 unknown
	for f := range s.frames {
		num := uint64(f)
		first := byte(0xf8)
		if s.variable {
			num, first = uint64(f*s.blockSize), 0xf9
		}
		h := []byte{0xff, first, 0x70, byte(s.channels-1)<<4 | 1<<1} // block size at the end, rate from STREAMINFO, 8 bits
		h = append(h, codedNumber(num)...)
		h = append(h, byte((s.blockSize-1)>>8), byte(s.blockSize-1))
		h = append(h, testCRC8(h))
		for c := range s.channels {
			h = append(h, 0x00, byte(c+1)) // constant subframe, value c+1
		}
		crc := testCRC16(h)
		h = append(h, byte(crc>>8), byte(crc))
		b.Write(h)
	}
	return b.Bytes()
}

// codedNumber is FLAC's UTF-8-like coding of frame and sample numbers.
func codedNumber(n uint64) []byte {
	if n < 0x80 {
		return []byte{byte(n)}
	}
	var tail []byte
	lead, room := byte(0x80), uint64(0x3f)
	for {
		tail = append([]byte{0x80 | byte(n&0x3f)}, tail...)
		n >>= 6
		lead, room = lead>>1|0x80, room>>1
		if n <= room {
			return append([]byte{lead | byte(n)}, tail...)
		}
	}
}

func testCRC8(b []byte) byte {
	var c byte
	for _, v := range b {
		for i := 7; i >= 0; i-- {
			bit := (c>>7 ^ v>>i) & 1
			c <<= 1
			if bit == 1 {
				c ^= 0x07
			}
		}
	}
	return c
}

func testCRC16(b []byte) uint16 {
	var c uint16
	for _, v := range b {
		for i := 7; i >= 0; i-- {
			bit := (c>>15 ^ uint16(v>>i)) & 1
			c <<= 1
			if bit == 1 {
				c ^= 0x8005
			}
		}
	}
	return c
}

// writeTemp writes b to a file in t's temporary directory.
func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// allocated returns the bytes fn allocated on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestMakeFLACDecodes(t *testing.T) {
	// The generator's output is valid FLAC: the decoder reads it whole.
	for _, variable := range []bool{false, true} {
		b := makeFLAC(flacSpec{rate: 16000, channels: 2, nSamples: 0, frames: 300, blockSize: 100, variable: variable})
		pcm, err := Decode(context.Background(), bytes.NewReader(b), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(pcm.Samples), 300*100; got != want || pcm.Truncated {
			t.Errorf("variable %v: decoded %d samples (truncated %v), want %d", variable, got, pcm.Truncated, want)
		}
	}
}

func TestProbeFLACCountsHeaders(t *testing.T) {
	// 200 frames of 65535 samples on 2 channels, length unknown: decoding
	// them allocates 200*2*65535*4 bytes = 100 MiB; counting their headers
	// allocates a read buffer.
	for _, variable := range []bool{false, true} {
		path := writeTemp(t, "stream.flac", makeFLAC(flacSpec{rate: 48000, channels: 2, frames: 200, blockSize: 65535, variable: variable}))
		var (
			info Info
			err  error
		)
		n := allocated(func() { info, err = Probe(context.Background(), path, Options{MaxDuration: time.Hour}) })
		if err != nil {
			t.Fatal(err)
		}
		if want := framesDuration(200*65535, 48000); info.Duration != want {
			t.Errorf("variable %v: duration %v, want %v", variable, info.Duration, want)
		}
		if n > 1<<20 {
			t.Errorf("variable %v: probe allocated %d bytes, want at most 1 MiB (frame headers only)", variable, n)
		}
	}
}

func TestProbeFLACSkipsFalseSyncCodes(t *testing.T) {
	// Constant values 0xff followed by a frame-like byte inside frame data
	// must not count: only headers that continue the numbering do.
	b := makeFLAC(flacSpec{rate: 16000, channels: 1, frames: 50, blockSize: 1000})
	// Insert a copy of frame 3's header (a valid CRC, a wrong number) between
	// frames 10 and 11.
	hdr := makeFLAC(flacSpec{rate: 16000, channels: 1, frames: 4, blockSize: 1000})
	frameLen := (len(hdr) - 42) / 4
	fake := hdr[42+3*frameLen : 42+4*frameLen]
	at := 42 + 11*frameLen
	b = append(b[:at:at], append(append([]byte{}, fake...), b[at:]...)...)
	info, err := probe(context.Background(), bytes.NewReader(b), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := framesDuration(50*1000, 16000); info.Duration != want {
		t.Errorf("duration %v, want %v", info.Duration, want)
	}
}

func TestProbeFLACStopsAtLimit(t *testing.T) {
	// The file shape at the highest rate accepted: constant
	// subframes on 8 channels, length unknown. Probe refuses it once the
	// count passes the limit, without decoding.
	path := writeTemp(t, "long.flac", makeFLAC(flacSpec{rate: maxSourceRate, channels: 8, frames: 3000, blockSize: 65535}))
	var err error
	n := allocated(func() { _, err = Probe(context.Background(), path, Options{MaxDuration: time.Minute}) })
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("got %v, want ErrTooLong", err)
	}
	if n > 1<<20 {
		t.Errorf("probe allocated %d bytes, want at most 1 MiB", n)
	}
}

func TestSourceLimits(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"flac at 768 kHz", makeFLAC(flacSpec{rate: 768000, channels: 8, frames: 2, blockSize: 4096}), ErrCorrupt},
		{"wav at 768 kHz", makeWAV(wavSpec{codec: wavPCM, rate: 768000, channels: 1, bits: 16}, make([]float64, 100)), ErrCorrupt},
		{"wav of 25 channels", makeWAV(wavSpec{codec: wavPCM, rate: 16000, channels: 25, bits: 16}, make([]float64, 250)), ErrCorrupt},
	}
	for _, tt := range tests {
		if _, err := probe(context.Background(), bytes.NewReader(tt.data), "", noFFmpeg); !errors.Is(err, tt.want) {
			t.Errorf("probe %s: got %v, want %v", tt.name, err, tt.want)
		}
		if _, err := Decode(context.Background(), bytes.NewReader(tt.data), noFFmpeg); !errors.Is(err, tt.want) {
			t.Errorf("decode %s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestWorkBudget(t *testing.T) {
	// 20 minutes of 8 channels at 192 kHz is 4 times the work of 20 minutes
	// at 8 channels of 48 kHz: more than a 1 hour limit pays for, though it
	// is shorter. Both Probe and Decode refuse it from the header, before
	// decoding a frame.
	const rate, channels = 192000, 8
	n := uint64(20 * 60 * rate)
	b := makeFLAC(flacSpec{rate: rate, channels: channels, nSamples: n, frames: 1, blockSize: 4096})
	opts := Options{MaxDuration: time.Hour}
	info, err := probe(context.Background(), bytes.NewReader(b), "", opts)
	if !errors.Is(err, ErrTooLong) {
		t.Errorf("probe: got %+v, %v; want ErrTooLong", info, err)
	}
	if _, err := Decode(context.Background(), bytes.NewReader(b), opts); !errors.Is(err, ErrTooLong) {
		t.Errorf("decode: got %v, want ErrTooLong", err)
	}
	// At 48 kHz the same 20 minutes are within the limit.
	ok := makeFLAC(flacSpec{rate: 48000, channels: channels, nSamples: 20 * 60 * 48000, frames: 1, blockSize: 4096})
	if _, err := probe(context.Background(), bytes.NewReader(ok), "", opts); err != nil {
		t.Errorf("48 kHz: %v", err)
	}
	// Decoding stops at the budget, not the duration, when the header has
	// no length.
	long := makeFLAC(flacSpec{rate: rate, channels: channels, frames: 30, blockSize: 65535})
	// 10.2 s, within a 20 s limit that pays for 5 s at this rate.
	short := Options{MaxDuration: 20 * time.Second}
	if _, err := Decode(context.Background(), bytes.NewReader(long), short); !errors.Is(err, ErrTooLong) {
		t.Errorf("decode without length: got %v, want ErrTooLong", err)
	}
}
