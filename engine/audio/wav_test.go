package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"testing"
	"time"
)

func TestDecodeWAVEncodings(t *testing.T) {
	tests := []struct {
		name string
		spec wavSpec
	}{
		{"u8 mono 8k", wavSpec{codec: wavPCM, rate: 8000, channels: 1, bits: 8}},
		{"s16 mono 16k", wavSpec{codec: wavPCM, rate: 16000, channels: 1, bits: 16}},
		{"s16 stereo 44.1k", wavSpec{codec: wavPCM, rate: 44100, channels: 2, bits: 16}},
		{"s24 stereo 48k", wavSpec{codec: wavPCM, rate: 48000, channels: 2, bits: 24}},
		{"s32 mono 22.05k", wavSpec{codec: wavPCM, rate: 22050, channels: 1, bits: 32}},
		{"f32 stereo 44.1k", wavSpec{codec: wavFloat, rate: 44100, channels: 2, bits: 32}},
		{"f64 mono 48k", wavSpec{codec: wavFloat, rate: 48000, channels: 1, bits: 64}},
		{"extensible s24 6ch 48k", wavSpec{codec: wavPCM, extensible: true, rate: 48000, channels: 6, bits: 24}},
		{"extensible f32 4ch 32k", wavSpec{codec: wavFloat, extensible: true, rate: 32000, channels: 4, bits: 32}},
		{"extensible s32 stereo 96k", wavSpec{codec: wavPCM, extensible: true, rate: 96000, channels: 2, bits: 32}},
		{"s16 mono 11.025k", wavSpec{codec: wavPCM, rate: 11025, channels: 1, bits: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := makeWAV(tt.spec, sine(440, tt.spec.rate, 1, 0.5, tt.spec.channels))
			pcm, err := Decode(context.Background(), bytes.NewReader(b), noFFmpeg)
			if err != nil {
				t.Fatal(err)
			}
			if pcm.Format != "wav" || pcm.SourceRate != tt.spec.rate || pcm.SourceChannels != tt.spec.channels || pcm.Truncated {
				t.Errorf("got %s %d Hz %d ch truncated=%v", pcm.Format, pcm.SourceRate, pcm.SourceChannels, pcm.Truncated)
			}
			if got, want := len(pcm.Samples), SampleRate; got != want {
				t.Errorf("got %d samples, want %d", got, want)
			}
			m := middle(pcm.Samples)
			if got := amplitude(m, 440, SampleRate); math.Abs(got-0.5) > 0.01 {
				t.Errorf("amplitude %.4f, want 0.5", got)
			}
			if got := frequency(m, SampleRate); math.Abs(got-440) > 0.5 {
				t.Errorf("frequency %.2f, want 440", got)
			}
		})
	}
}

func TestDecodeWAVDownmixAverages(t *testing.T) {
	// Left carries the tone, right is silent: the mono mix is half as loud.
	x := sine(440, 16000, 0.5, 0.8, 2)
	for i := 1; i < len(x); i += 2 {
		x[i] = 0
	}
	b := makeWAV(wavSpec{codec: wavFloat, rate: 16000, channels: 2, bits: 32}, x)
	pcm, err := Decode(context.Background(), bytes.NewReader(b), noFFmpeg)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range pcm.Samples {
		if want := float32(x[2*i] / 2); math.Abs(float64(v-want)) > 1e-6 {
			t.Fatalf("sample %d = %v, want %v", i, v, want)
		}
	}
}

func TestDecodeWAVSampleValues(t *testing.T) {
	// At 16 kHz mono nothing is resampled, so each sample's scaling shows.
	tests := []struct {
		name string
		spec wavSpec
		data []byte
		want []float32
	}{
		{"u8", wavSpec{codec: wavPCM, bits: 8}, []byte{0, 128, 255}, []float32{-1, 0, 127.0 / 128}},
		{"s16", wavSpec{codec: wavPCM, bits: 16}, []byte{0x00, 0x80, 0x00, 0x00, 0xff, 0x7f, 0xff, 0xff}, []float32{-1, 0, 32767.0 / 32768, -1.0 / 32768}},
		{"s24", wavSpec{codec: wavPCM, bits: 24}, []byte{0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x40}, []float32{-1, 8388607.0 / 8388608, 0.5}},
		{"s32", wavSpec{codec: wavPCM, bits: 32}, []byte{0, 0, 0, 0x80, 0, 0, 0, 0x40}, []float32{-1, 0.5}},
		{"f32 clamped", wavSpec{codec: wavFloat, bits: 32}, floatBytes(0.25, 1.5, -3), []float32{0.25, 1, -1}},
		{"f32 nan is silence", wavSpec{codec: wavFloat, bits: 32}, floatBytes(float32(math.NaN()), float32(math.Inf(1))), []float32{0, 1}},
		{"mu-law", wavSpec{codec: wavMuLaw, bits: 8}, []byte{0xff, 0x80, 0x00}, []float32{0, 32124.0 / 32768, -32124.0 / 32768}},
		{"a-law", wavSpec{codec: wavALaw, bits: 8}, []byte{0xd5, 0x55, 0xaa, 0x2a}, []float32{8.0 / 32768, -8.0 / 32768, 32256.0 / 32768, -32256.0 / 32768}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.rate, tt.spec.channels = SampleRate, 1
			b := withData(makeWAV(tt.spec, nil), tt.data)
			pcm, err := Decode(context.Background(), bytes.NewReader(b), noFFmpeg)
			if err != nil {
				t.Fatal(err)
			}
			if len(pcm.Samples) != len(tt.want) {
				t.Fatalf("got %v, want %v", pcm.Samples, tt.want)
			}
			for i := range tt.want {
				if pcm.Samples[i] != tt.want[i] {
					t.Errorf("got %v, want %v", pcm.Samples, tt.want)
					break
				}
			}
		})
	}
}

// floatBytes encodes little-endian float32s.
func floatBytes(v ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

// withData replaces the empty data chunk that ends wav with data.
func withData(wav, data []byte) []byte {
	wav = bytes.Clone(wav)
	binary.LittleEndian.PutUint32(wav[len(wav)-4:], uint32(len(data)))
	return append(wav, data...)
}

func TestDecodeWAVFixtures(t *testing.T) {
	// Files written by sox and ffmpeg, not by makeWAV.
	tests := []struct {
		file           string
		rate, channels int
		dur            time.Duration
		amp            float64
	}{
		{"tone-24bit-3ch.wav", 22050, 3, 100 * time.Millisecond, 0.5},
		{"tone-f32-stereo.wav", 48000, 2, 100 * time.Millisecond, 0.5},
		{"tone-ulaw.wav", 8000, 1, 250 * time.Millisecond, 0.5},
		{"tone-alaw.wav", 8000, 1, 250 * time.Millisecond, 0.5},
	}
	for _, tt := range tests {
		pcm, err := DecodeFile(context.Background(), fixture(tt.file), noFFmpeg)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if pcm.SourceRate != tt.rate || pcm.SourceChannels != tt.channels || pcm.Duration() != tt.dur {
			t.Errorf("%s: got %d Hz %d ch %v, want %d Hz %d ch %v", tt.file, pcm.SourceRate, pcm.SourceChannels, pcm.Duration(), tt.rate, tt.channels, tt.dur)
		}
		if got := amplitude(middle(pcm.Samples), 440, SampleRate); math.Abs(got-tt.amp) > 0.02 {
			t.Errorf("%s: amplitude %.3f, want %v", tt.file, got, tt.amp)
		}
	}
}

func TestDecodeWAVChunks(t *testing.T) {
	tone := sine(440, 16000, 0.1, 0.5, 1)
	spec := wavSpec{codec: wavPCM, rate: 16000, channels: 1, bits: 16}
	tests := []struct {
		name          string
		wav           []byte
		wantSamples   int
		wantTruncated bool
	}{
		{"odd-sized chunk before data is padded", func() []byte {
			s := spec
			s.before = [][2]string{{"LIST", "odd"}, {"fact", "\x40\x06\x00\x00"}}
			return makeWAV(s, tone)
		}(), 1600, false},
		{"data size from a pipe (0xffffffff)", func() []byte {
			s := spec
			s.dataSize = math.MaxUint32
			return makeWAV(s, tone)
		}(), 1600, false},
		{"data chunk longer than the file", func() []byte {
			s := spec
			s.dataSize = 1 << 20
			return makeWAV(s, tone)
		}(), 1600, true},
		{"odd trailing byte ignored", func() []byte {
			b := makeWAV(spec, tone)
			return append(b, 0x7f)
		}(), 1600, false},
	}
	for _, tt := range tests {
		pcm, err := Decode(context.Background(), bytes.NewReader(tt.wav), noFFmpeg)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(pcm.Samples) != tt.wantSamples || pcm.Truncated != tt.wantTruncated {
			t.Errorf("%s: got %d samples truncated=%v, want %d truncated=%v", tt.name, len(pcm.Samples), pcm.Truncated, tt.wantSamples, tt.wantTruncated)
		}
	}
}

func TestDecodeWAVHugeChunkSizesAllocateNothing(t *testing.T) {
	// A LIST chunk claiming 4 GiB in a 40-byte file: github.com/go-audio/wav
	// allocates 8 GiB for this; the decoder must fail fast and small.
	var b bytes.Buffer
	b.WriteString("RIFF\x20\x00\x00\x00WAVE")
	b.WriteString("LIST\xf0\xff\xff\xffINFOxxxx")
	b.WriteString("fmt \xf0\xff\xff\xff")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(context.Background(), bytes.NewReader(b.Bytes()), noFFmpeg)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("got %v, want ErrTruncated", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("allocated %d bytes", got)
	}
}

func TestWAVNeedsFFmpegForOtherCodecs(t *testing.T) {
	_, err := DecodeFile(context.Background(), fixture("tone-adpcm.wav"), noFFmpeg)
	if !errors.Is(err, ErrNeedsFFmpeg) {
		t.Fatalf("got %v, want ErrNeedsFFmpeg", err)
	}
	want := "audio: decode wav: codec 0x0011: wav input needs ffmpeg: ffmpeg not found: install ffmpeg (apt-get install ffmpeg) or convert to wav, mp3 or flac"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
}

func BenchmarkDecodeWAV44kStereo(b *testing.B) {
	const seconds = 60
	wav := makeWAV(wavSpec{codec: wavPCM, rate: 44100, channels: 2, bits: 16}, sine(440, 44100, seconds, 0.5, 2))
	b.SetBytes(int64(len(wav)))
	b.ResetTimer()
	for range b.N {
		pcm, err := Decode(context.Background(), bytes.NewReader(wav), Options{})
		if err != nil || len(pcm.Samples) != seconds*SampleRate {
			b.Fatal(err)
		}
	}
}
