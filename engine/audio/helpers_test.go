package audio

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// wavSpec describes a WAV file for makeWAV.
type wavSpec struct {
	codec      uint16 // wavPCM, wavFloat, ...
	extensible bool   // write WAVE_FORMAT_EXTENSIBLE with codec as sub-format
	rate       int
	channels   int
	bits       int // container bits per sample
	// dataSize, when non-zero, is written as the data chunk size instead of
	// the real one.
	dataSize uint32
	// before adds chunks between fmt and data, as id then body.
	before [][2]string
}

// makeWAV writes interleaved samples in [-1, 1] as a WAV file, header by
// hand, so tests do not depend on the code under test.
func makeWAV(s wavSpec, samples []float64) []byte {
	var data bytes.Buffer
	for _, v := range samples {
		switch {
		case s.codec == wavFloat && s.bits == 32:
			binary.Write(&data, binary.LittleEndian, float32(v))
		case s.codec == wavFloat && s.bits == 64:
			binary.Write(&data, binary.LittleEndian, v)
		case s.bits == 8:
			data.WriteByte(byte(math.Round(v*127) + 128))
		case s.bits == 16:
			binary.Write(&data, binary.LittleEndian, int16(math.Round(v*math.MaxInt16)))
		case s.bits == 24:
			x := int32(math.Round(v * (1<<23 - 1)))
			data.Write([]byte{byte(x), byte(x >> 8), byte(x >> 16)})
		case s.bits == 32:
			binary.Write(&data, binary.LittleEndian, int32(math.Round(v*math.MaxInt32)))
		}
	}
	var fmtChunk bytes.Buffer
	le := func(v any) { binary.Write(&fmtChunk, binary.LittleEndian, v) }
	blockAlign := s.channels * s.bits / 8
	tag := s.codec
	if s.extensible {
		tag = wavExtensible
	}
	le(tag)
	le(uint16(s.channels))
	le(uint32(s.rate))
	le(uint32(s.rate * blockAlign))
	le(uint16(blockAlign))
	le(uint16(s.bits))
	if s.extensible {
		le(uint16(22))
		le(uint16(s.bits))
		le(uint32(0))
		le(s.codec)
		fmtChunk.WriteString(wavGUIDTail)
	}
	var body bytes.Buffer
	chunk := func(id string, b []byte, size uint32) {
		body.WriteString(id)
		binary.Write(&body, binary.LittleEndian, size)
		body.Write(b)
		if len(b)%2 == 1 {
			body.WriteByte(0)
		}
	}
	body.WriteString("WAVE")
	chunk("fmt ", fmtChunk.Bytes(), uint32(fmtChunk.Len()))
	for _, c := range s.before {
		chunk(c[0], []byte(c[1]), uint32(len(c[1])))
	}
	size := uint32(data.Len())
	if s.dataSize != 0 {
		size = s.dataSize
	}
	chunk("data", data.Bytes(), size)
	var out bytes.Buffer
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes()
}

// sine returns seconds of a sine at freq Hz and amplitude amp, sampled at
// rate, on each of channels channels.
func sine(freq float64, rate int, seconds, amp float64, channels int) []float64 {
	n := int(seconds * float64(rate))
	x := make([]float64, 0, n*channels)
	for i := range n {
		v := amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
		for range channels {
			x = append(x, v)
		}
	}
	return x
}

// sine32 is sine as float32 mono.
func sine32(freq float64, rate int, seconds, amp float64) []float32 {
	x := sine(freq, rate, seconds, amp, 1)
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// amplitude fits a sine at freq Hz to x sampled at rate and returns its
// amplitude. Edges are skipped by the caller.
func amplitude(x []float32, freq float64, rate int) float64 {
	var s, c float64
	for i, v := range x {
		w := 2 * math.Pi * freq * float64(i) / float64(rate)
		s += float64(v) * math.Sin(w)
		c += float64(v) * math.Cos(w)
	}
	return 2 * math.Hypot(s, c) / float64(len(x))
}

// rms returns the root mean square of x.
func rms(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(len(x)))
}

// frequency estimates the frequency of a tone in x from its rising zero
// crossings.
func frequency(x []float32, rate int) float64 {
	first, last, n := -1, -1, 0
	for i := 1; i < len(x); i++ {
		if x[i-1] < 0 && x[i] >= 0 {
			if first < 0 {
				first = i
			} else {
				n++
			}
			last = i
		}
	}
	if n == 0 {
		return 0
	}
	return float64(n) * float64(rate) / float64(last-first)
}

// middle returns x without its first and last tenth, away from edge effects.
func middle(x []float32) []float32 { return x[len(x)/10 : len(x)-len(x)/10] }

// fixture returns the path of a file in testdata.
func fixture(name string) string { return filepath.Join("testdata", name) }

// readFixture returns the bytes of a file in testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixture(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// noFFmpeg are options under which ffmpeg and ffprobe are missing.
var noFFmpeg = Options{FFmpegPath: "/nonexistent/ffmpeg", FFprobePath: "/nonexistent/ffprobe"}

// needFFmpeg skips the test when ffmpeg or ffprobe is not installed.
func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}
