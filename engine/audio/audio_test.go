package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// formatTests are the committed fixtures: 1 s (or shorter) 440 Hz tones
// written by ffmpeg and sox (see testdata/README.md).
var formatTests = []struct {
	file   string
	format string
	ffmpeg bool
	// rate and channels are the source's, 0 when ffmpeg decodes it.
	rate, channels int
	dur            time.Duration
	// tol is one codec frame: ffmpeg does not trim every codec's encoder
	// delay and padding exactly. The Go decoders must be exact.
	tol time.Duration
	// amp is the tone's amplitude: ffmpeg's sine source is 1/8 full scale,
	// and 1/8/sqrt(2) on each channel when upmixed to stereo.
	amp float64
}{
	{"tone.mp3", "mp3", false, 44100, 2, time.Second, 0, 0.088},
	{"tone-16k.mp3", "mp3", false, 16000, 1, time.Second, 0, 0.125},
	{"tone-8k.mp3", "mp3", true, 0, 0, time.Second, 72 * time.Millisecond, 0.125}, // MPEG 2.5
	{"tone.flac", "flac", false, 44100, 2, time.Second, 0, 0.088},
	{"tone.ogg", "ogg", true, 0, 0, time.Second, 43 * time.Millisecond, 0.125},
	{"tone.opus", "ogg", true, 0, 0, time.Second, 20 * time.Millisecond, 0.125},
	{"tone.m4a", "m4a", true, 0, 0, time.Second, 24 * time.Millisecond, 0.125},
	{"tone.webm", "webm", true, 0, 0, time.Second, 20 * time.Millisecond, 0.125},
	{"tone-adpcm.wav", "wav", true, 16000, 1, 500 * time.Millisecond, 128 * time.Millisecond, 0.125},
	{"tone-ulaw.wav", "wav", false, 8000, 1, 250 * time.Millisecond, 0, 0.5},
	{"tone-24bit-3ch.wav", "wav", false, 22050, 3, 100 * time.Millisecond, 0, 0.5},
}

func TestDecodeFileFormats(t *testing.T) {
	for _, tt := range formatTests {
		t.Run(tt.file, func(t *testing.T) {
			if tt.ffmpeg {
				needFFmpeg(t)
			}
			pcm, err := DecodeFile(context.Background(), fixture(tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if pcm.Format != tt.format || pcm.SourceRate != tt.rate || pcm.SourceChannels != tt.channels {
				t.Errorf("got %s %d Hz %d ch, want %s %d Hz %d ch", pcm.Format, pcm.SourceRate, pcm.SourceChannels, tt.format, tt.rate, tt.channels)
			}
			if d := pcm.Duration() - tt.dur; d < -tt.tol || d > tt.tol {
				t.Errorf("duration %v, want %v within %v", pcm.Duration(), tt.dur, tt.tol)
			}
			m := middle(pcm.Samples)
			// Lossy codecs at low bit rates lose a few percent.
			if got := amplitude(m, 440, SampleRate); math.Abs(got-tt.amp) > tt.amp*0.07 {
				t.Errorf("440 Hz amplitude %.4f, want %v", got, tt.amp)
			}
			if got := frequency(m, SampleRate); math.Abs(got-440) > 1 {
				t.Errorf("frequency %.2f, want 440", got)
			}
		})
	}
}

func TestDecodeMatchesDecodeFile(t *testing.T) {
	// Decode has no file name: ffmpeg gets a temporary copy.
	for _, name := range []string{"tone.mp3", "tone.flac", "tone.m4a"} {
		if name == "tone.m4a" {
			needFFmpeg(t)
		}
		want, err := DecodeFile(context.Background(), fixture(name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(context.Background(), bytes.NewReader(readFixture(t, name)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Samples, want.Samples) || got.Format != want.Format {
			t.Errorf("%s: Decode and DecodeFile differ", name)
		}
	}
}

func TestDecodeNeedsFFmpeg(t *testing.T) {
	for _, tt := range formatTests {
		if !tt.ffmpeg {
			continue
		}
		_, err := DecodeFile(context.Background(), fixture(tt.file), noFFmpeg)
		if !errors.Is(err, ErrNeedsFFmpeg) {
			t.Errorf("%s: got %v, want ErrNeedsFFmpeg", tt.file, err)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Format != tt.format {
			t.Errorf("%s: got %#v, want an *Error for %s", tt.file, err, tt.format)
		}
		if msg := err.Error(); !strings.Contains(msg, tt.format+" input needs ffmpeg") || !strings.Contains(msg, "install ffmpeg") || strings.Contains(msg, "\n") {
			t.Errorf("%s: message %q", tt.file, msg)
		}
	}
}

func TestDecodeJFK(t *testing.T) {
	const path = "../../testdata/jfk.wav"
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("jfk.wav not found")
	}
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := DecodeFile(context.Background(), path, Options{MaxDuration: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if pcm.Format != "wav" || pcm.SourceRate != 16000 || pcm.SourceChannels != 1 {
		t.Errorf("got %s %d Hz %d ch", pcm.Format, pcm.SourceRate, pcm.SourceChannels)
	}
	if d := pcm.Duration(); d < 11*time.Second || d > 11100*time.Millisecond {
		t.Errorf("duration %v, want 11 s", d)
	}
	// 16 kHz mono s16 is passed through: each sample is the file's int16
	// over 32768.
	data := raw[bytes.Index(raw, []byte("data"))+8:]
	if len(pcm.Samples) != len(data)/2 {
		t.Fatalf("got %d samples, file has %d", len(pcm.Samples), len(data)/2)
	}
	for i, v := range pcm.Samples {
		if want := float32(int16(binary.LittleEndian.Uint16(data[2*i:]))) / 32768; v != want {
			t.Fatalf("sample %d = %v, want %v", i, v, want)
		}
	}
	if r := rms(pcm.Samples); r < 0.01 {
		t.Errorf("rms %v: speech expected", r)
	}
}

func TestDecodeBadInput(t *testing.T) {
	tone := sine(440, 16000, 0.1, 0.5, 1)
	wav := makeWAV(wavSpec{codec: wavPCM, rate: 16000, channels: 1, bits: 16}, tone)
	flac := readFixture(t, "tone.flac")
	corruptFLAC := bytes.Clone(flac)
	for i := 5000; i < 5100; i++ {
		corruptFLAC[i] ^= 0x5a
	}
	tests := []struct {
		name   string
		data   []byte
		want   error
		format string
	}{
		{"empty", nil, ErrEmpty, ""},
		{"half a magic", []byte("RIF"), ErrTruncated, ""},
		{"riff header only", []byte("RIFF\x04\x00\x00\x00WAVE"), ErrTruncated, "wav"},
		{"wav without data chunk", wav[:36], ErrTruncated, "wav"},
		{"wav data chunk with no bytes", wav[:44+1], ErrTruncated, "wav"},
		{"zero-sample wav", makeWAV(wavSpec{codec: wavPCM, rate: 16000, channels: 1, bits: 16}, nil), ErrNoSamples, "wav"},
		{"wav with 0 channels", makeWAV(wavSpec{codec: wavPCM, rate: 16000, channels: 0, bits: 16}, nil), ErrCorrupt, "wav"},
		{"wav at 0 Hz", makeWAV(wavSpec{codec: wavPCM, rate: 0, channels: 1, bits: 16}, tone), ErrCorrupt, "wav"},
		{"wav at 10 MHz", makeWAV(wavSpec{codec: wavPCM, rate: 10_000_000, channels: 1, bits: 16}, tone), ErrCorrupt, "wav"},
		{"wav with 64-bit ints", makeWAV(wavSpec{codec: wavPCM, rate: 16000, channels: 1, bits: 64}, nil), ErrCorrupt, "wav"},
		{"wav data before fmt", []byte("RIFF\x10\x00\x00\x00WAVEdata\x00\x00\x00\x00"), ErrCorrupt, "wav"},
		{"flac header only", flac[:20], ErrTruncated, "flac"},
		{"flac with flipped bytes", corruptFLAC, ErrCorrupt, "flac"},
		{"flac at 0 Hz", func() []byte {
			b := bytes.Clone(flac)
			b[18], b[19], b[20] = 0, 0, b[20]&0x0f // STREAMINFO sample rate
			return b
		}(), ErrCorrupt, "flac"},
		{"mp3 in free format", append([]byte("\xff\xfb\x00\x00"), make([]byte, 1000)...), ErrCorrupt, "mp3"},
		{"id3 tag without audio", []byte("ID3\x04\x00\x00\x00\x00\x00\x02\x00\x00"), ErrNoSamples, "mp3"},
		{"id3 tag longer than the file", []byte("ID3\x04\x00\x00\x00\x00\x10\x00abc"), ErrTruncated, "mp3"},
		{"text", []byte("Hello, this is not audio.\n"), ErrNotAudio, ""},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotAudio, ""},
		{"zeros", make([]byte, 1000), ErrNotAudio, ""},
		{"ogg without ffmpeg", []byte("OggS\x00\x02"), ErrNeedsFFmpeg, "ogg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(context.Background(), bytes.NewReader(tt.data), noFFmpeg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v; want %v", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Op != "decode" || e.Format != tt.format {
				t.Errorf("got %#v, want an *Error for format %q", err, tt.format)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "audio: decode") || strings.Contains(msg, "\n") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestDecodeNotAudioSaysWhatItIs(t *testing.T) {
	_, err := Decode(context.Background(), bytes.NewReader([]byte("\x89PNG\r\n\x1a\n")), Options{})
	if want := "audio: decode: not an audio file: looks like png image"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestDecodeTruncatedData(t *testing.T) {
	// Audio cut short decodes up to its last complete frame and says so.
	tests := []struct {
		name          string
		data          []byte
		min, max      time.Duration
		wantTruncated bool
	}{
		{"wav", func() []byte {
			b := makeWAV(wavSpec{codec: wavPCM, rate: 8000, channels: 2, bits: 24}, sine(440, 8000, 1, 0.5, 2))
			return b[:len(b)/2+1]
		}(), 490 * time.Millisecond, 500 * time.Millisecond, true},
		{"flac", func() []byte {
			b := readFixture(t, "tone.flac")
			return b[:len(b)/2]
		}(), 300 * time.Millisecond, 700 * time.Millisecond, true},
		{"mp3", func() []byte {
			b := readFixture(t, "tone.mp3")
			return b[:len(b)/2+7]
		}(), 300 * time.Millisecond, 700 * time.Millisecond, true},
	}
	for _, tt := range tests {
		pcm, err := Decode(context.Background(), bytes.NewReader(tt.data), noFFmpeg)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d := pcm.Duration(); d < tt.min || d > tt.max || pcm.Truncated != tt.wantTruncated {
			t.Errorf("%s: got %v truncated=%v, want %v..%v truncated=%v", tt.name, d, pcm.Truncated, tt.min, tt.max, tt.wantTruncated)
		}
	}
}

func TestDecodeMaxDuration(t *testing.T) {
	twoSec := makeWAV(wavSpec{codec: wavPCM, rate: 8000, channels: 1, bits: 16}, sine(440, 8000, 2, 0.5, 1))
	// A FLAC whose STREAMINFO does not give the length: the limit is only
	// found while decoding.
	unknownLen := readFixture(t, "tone.flac")
	unknownLen = bytes.Clone(unknownLen)
	unknownLen[21] &= 0xf0
	clear(unknownLen[22:26])
	tests := []struct {
		name   string
		data   []byte
		max    time.Duration
		ffmpeg bool
		want   error
	}{
		{"wav over", twoSec, 1999 * time.Millisecond, false, ErrTooLong},
		{"wav exactly at", twoSec, 2 * time.Second, false, nil},
		{"mp3 over", readFixture(t, "tone.mp3"), 900 * time.Millisecond, false, ErrTooLong},
		{"mp3 under", readFixture(t, "tone.mp3"), 2 * time.Second, false, nil},
		{"flac over", readFixture(t, "tone.flac"), 500 * time.Millisecond, false, ErrTooLong},
		{"flac without length over", unknownLen, 500 * time.Millisecond, false, ErrTooLong},
		{"flac without length under", unknownLen, 2 * time.Second, false, nil},
		{"ogg over", readFixture(t, "tone.ogg"), 500 * time.Millisecond, true, ErrTooLong},
		{"ogg under", readFixture(t, "tone.ogg"), 2 * time.Second, true, nil},
	}
	for _, tt := range tests {
		if tt.ffmpeg {
			needFFmpeg(t)
		}
		pcm, err := Decode(context.Background(), bytes.NewReader(tt.data), Options{MaxDuration: tt.max})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
			continue
		}
		if err == nil && pcm.Duration() > tt.max {
			t.Errorf("%s: decoded %v past the limit %v", tt.name, pcm.Duration(), tt.max)
		}
	}
}

func TestDecodeCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files := []string{"tone.mp3", "tone.flac", "tone-ulaw.wav"}
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		files = append(files, "tone.ogg")
	}
	for _, name := range files {
		_, err := DecodeFile(ctx, fixture(name), Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", name, err)
		}
	}
}

func TestDecodeMissingFile(t *testing.T) {
	_, err := DecodeFile(context.Background(), fixture("no-such-file.wav"), Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want os.ErrNotExist", err)
	}
}

func TestPCMDuration(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{
		{0, 0},
		{1, 62500 * time.Nanosecond},
		{16000, time.Second},
		{16000 * 3600, time.Hour},
	}
	for _, tt := range tests {
		p := &PCM{Samples: make([]float32, tt.n)}
		if got := p.Duration(); got != tt.want {
			t.Errorf("%d samples: got %v, want %v", tt.n, got, tt.want)
		}
	}
}
