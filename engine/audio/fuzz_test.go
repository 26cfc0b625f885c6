package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// fuzzOptions keep fuzzing in process (ffmpeg is "missing") and bounded.
var fuzzOptions = Options{
	MaxDuration: 10 * time.Second,
	FFmpegPath:  "/nonexistent/ffmpeg",
	FFprobePath: "/nonexistent/ffprobe",
}

// sentinels are the errors every failure must wrap.
var sentinels = []error{ErrEmpty, ErrTruncated, ErrCorrupt, ErrNotAudio, ErrNoSamples, ErrTooLong, ErrNeedsFFmpeg}

// checkError asserts the error contract: an *Error wrapping a sentinel,
// with a one-line message, and no panic recovered from this package's own
// code (a panic inside a decoder library is expected and handled).
func checkError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q is %T, not *Error", err, err)
	}
	wraps := false
	for _, s := range sentinels {
		wraps = wraps || errors.Is(err, s)
	}
	if !wraps {
		t.Fatalf("error %q wraps no sentinel", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Fatalf("error %q has several lines", msg)
	}
	if strings.Contains(msg, "decoder panic in github.com/instanttranscriber/") {
		t.Fatalf("this package panicked: %s", msg)
	}
}

// checkPCM asserts that decoded audio is usable: samples in [-1, 1], no
// NaN, at most MaxDuration long.
func checkPCM(t *testing.T, pcm *PCM, opts Options) {
	t.Helper()
	if len(pcm.Samples) == 0 {
		t.Fatal("no error and no samples")
	}
	for i, v := range pcm.Samples {
		if !(v >= -1 && v <= 1) {
			t.Fatalf("sample %d = %v", i, v)
		}
	}
	if opts.MaxDuration > 0 && pcm.Duration() > opts.MaxDuration+time.Millisecond {
		t.Fatalf("decoded %v, limit %v", pcm.Duration(), opts.MaxDuration)
	}
	if pcm.Format == "" {
		t.Fatal("no format")
	}
}

// watchdog crashes the fuzzing process when a call takes longer than d,
// which the fuzzer then reports with the input: a hang is a bug too. Call
// the returned function when the call returns.
func watchdog(d time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(d):
			panic("input took longer than " + d.String())
		}
	}()
	return func() { close(done) }
}

func FuzzDecode(f *testing.F) {
	f.Add(makeWAV(wavSpec{codec: wavPCM, rate: 44100, channels: 2, bits: 16}, sine(440, 44100, 0.01, 0.5, 2)))
	f.Add(makeWAV(wavSpec{codec: wavFloat, extensible: true, rate: 8000, channels: 3, bits: 32}, sine(440, 8000, 0.01, 0.5, 3)))
	f.Add(makeFLAC(flacSpec{rate: 16000, channels: 2, frames: 3, blockSize: 200}))
	f.Add(tinyMP3(5))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(20 * time.Second)()
		pcm, err := Decode(context.Background(), bytes.NewReader(data), fuzzOptions)
		if err != nil {
			checkError(t, err)
			return
		}
		checkPCM(t, pcm, fuzzOptions)
	})
}

func FuzzProbe(f *testing.F) {
	f.Add(makeWAV(wavSpec{codec: wavPCM, rate: 8000, channels: 1, bits: 8}, sine(440, 8000, 0.01, 0.5, 1)))
	// Frame header scanners: FLAC without a length, MP3 of tiny frames.
	f.Add(makeFLAC(flacSpec{rate: 16000, channels: 2, frames: 3, blockSize: 200}))
	f.Add(makeFLAC(flacSpec{rate: 48000, channels: 1, frames: 3, blockSize: 300, variable: true}))
	f.Add(tinyMP3(5))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(20 * time.Second)()
		info, err := probe(context.Background(), bytes.NewReader(data), "", fuzzOptions)
		if err != nil {
			checkError(t, err)
			return
		}
		if info.Format == "" || info.Duration <= 0 || info.Duration > fuzzOptions.MaxDuration {
			t.Fatalf("got %+v", info)
		}
	})
}

// FuzzDecodeWAVHeader fuzzes the fmt chunk fields, which byte mutation of
// whole files rarely reaches in combination.
func FuzzDecodeWAVHeader(f *testing.F) {
	f.Add(uint16(wavPCM), uint16(2), uint32(44100), uint16(4), uint16(16), false, []byte("\x00\x10\x00\xf0\x10\x00\x00\x00"))
	f.Add(uint16(wavFloat), uint16(1), uint32(48000), uint16(4), uint16(32), true, floatBytes(0.5, -0.5, 2))
	f.Add(uint16(wavPCM), uint16(3), uint32(22050), uint16(12), uint16(24), true, make([]byte, 36))
	f.Add(uint16(wavMuLaw), uint16(1), uint32(8000), uint16(1), uint16(8), false, []byte{0, 0x80, 0xff})
	f.Add(uint16(wavFloat), uint16(1), uint32(16000), uint16(8), uint16(64), false, make([]byte, 16))
	f.Fuzz(func(t *testing.T, codec, channels uint16, rate uint32, blockAlign, bits uint16, extensible bool, data []byte) {
		var fmtChunk bytes.Buffer
		le := func(v any) { binary.Write(&fmtChunk, binary.LittleEndian, v) }
		tag := codec
		if extensible {
			tag = wavExtensible
		}
		le(tag)
		le(channels)
		le(rate)
		le(rate * uint32(blockAlign))
		le(blockAlign)
		le(bits)
		if extensible {
			le(uint16(22))
			le(bits)
			le(uint32(0))
			le(codec)
			fmtChunk.WriteString(wavGUIDTail)
		}
		var b bytes.Buffer
		b.WriteString("RIFF\x00\x00\x00\x00WAVEfmt ")
		binary.Write(&b, binary.LittleEndian, uint32(fmtChunk.Len()))
		b.Write(fmtChunk.Bytes())
		b.WriteString("data")
		binary.Write(&b, binary.LittleEndian, uint32(len(data)))
		b.Write(data)
		pcm, err := Decode(context.Background(), bytes.NewReader(b.Bytes()), fuzzOptions)
		if err != nil {
			checkError(t, err)
			return
		}
		checkPCM(t, pcm, fuzzOptions)
		if pcm.SourceRate != int(rate) || pcm.SourceChannels != int(channels) {
			t.Fatalf("got %d Hz %d ch, header says %d Hz %d ch", pcm.SourceRate, pcm.SourceChannels, rate, channels)
		}
	})
}

// FuzzResample checks the resampler for any rate the decoders accept: the
// output has ceil(n*16000/rate) samples and stays finite and bounded.
func FuzzResample(f *testing.F) {
	f.Add([]byte("\x00\x40\x00\xc0\xff\x7f\x00\x80"), uint32(44100), uint16(3))
	f.Add(make([]byte, 100), uint32(8000), uint16(1))
	f.Add([]byte("\xff\x7f\xff\x7f\x00\x80\x00\x80"), uint32(44099), uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, rate uint32, block uint16) {
		from := minSourceRate + int(rate%200_000)
		x := make([]float32, len(data)/2)
		for i := range x {
			x[i] = float32(int16(binary.LittleEndian.Uint16(data[2*i:]))) / 32768
		}
		r := newResampler(from, SampleRate)
		var out []float32
		step := int(block) + 1
		for rest := x; len(rest) > 0; {
			n := min(step, len(rest))
			out = r.process(out, rest[:n])
			rest = rest[n:]
		}
		out = r.flush(out)
		want := (int64(len(x))*SampleRate + int64(from) - 1) / int64(from)
		if int64(len(out)) != want {
			t.Fatalf("%d samples at %d Hz: %d outputs, want %d", len(x), from, len(out), want)
		}
		// No output exceeds the largest L1 norm of a phase's coefficients.
		var bound float64
		for p := 0; p < len(r.coefs); p += r.taps {
			var l1 float64
			for _, c := range r.coefs[p : p+r.taps] {
				l1 += math.Abs(float64(c))
			}
			bound = max(bound, l1)
		}
		for i, v := range out {
			if math.IsNaN(float64(v)) || math.Abs(float64(v)) > bound*1.001+1e-6 {
				t.Fatalf("output %d = %v, bound %v", i, v, bound)
			}
		}
	})
}
