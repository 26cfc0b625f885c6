package audio

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestParseMPEGHeader(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   mpegHeader
		wantOK bool
	}{
		{"mpeg1 layer3 64k 44.1k stereo", "\xff\xfb\x50\x00", mpegHeader{version: mpeg1, layer: 3, bitrate: 64000, sampleRate: 44100, channels: 2, samples: 1152, size: 208}, true},
		{"padded, with crc", "\xff\xfa\x52\x00", mpegHeader{version: mpeg1, layer: 3, crc: true, bitrate: 64000, sampleRate: 44100, channels: 2, samples: 1152, size: 209}, true},
		{"mpeg2 layer3 24k 16k mono", "\xff\xf3\x38\xc4", mpegHeader{version: mpeg2, layer: 3, bitrate: 24000, sampleRate: 16000, channels: 1, samples: 576, size: 108}, true},
		{"mpeg2.5 8k", "\xff\xe3\x18\xc4", mpegHeader{version: mpeg25, layer: 3, bitrate: 8000, sampleRate: 8000, channels: 1, samples: 576, size: 72}, true},
		{"layer2", "\xff\xfd\x80\x00", mpegHeader{version: mpeg1, layer: 2, bitrate: 128000, sampleRate: 44100, channels: 2, samples: 1152, size: 417}, true},
		{"layer1", "\xff\xff\x80\x00", mpegHeader{version: mpeg1, layer: 1, bitrate: 256000, sampleRate: 44100, channels: 2, samples: 384, size: 276}, true},
		{"no sync", "\xff\x7b\x50\x00", mpegHeader{}, false},
		{"reserved version", "\xff\xeb\x50\x00", mpegHeader{}, false},
		{"reserved layer (adts)", "\xff\xf1\x50\x80", mpegHeader{}, false},
		{"bad bitrate", "\xff\xfb\xf0\x00", mpegHeader{}, false},
		{"reserved rate", "\xff\xfb\x5c\x00", mpegHeader{}, false},
		{"reserved emphasis", "\xff\xfb\x50\x02", mpegHeader{}, false},
		{"short", "\xff\xfb\x50", mpegHeader{}, false},
	}
	for _, tt := range tests {
		got, ok := parseMPEGHeader([]byte(tt.header))
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: got %+v %v, want %+v %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseGapless(t *testing.T) {
	// tone.mp3 is ffmpeg's libmp3lame output: an Info frame with a LAME
	// tag after a 45-byte ID3 tag. 576 + 44100 + 1404 = 40 frames of 1152.
	b := readFixture(t, "tone.mp3")[45:]
	h, ok := parseMPEGHeader(b)
	if !ok {
		t.Fatal("no frame header after the id3 tag")
	}
	if got, want := parseGapless(h, b), (mp3Gapless{infoFrame: true, delay: 576, padding: 1404}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Without a tag frame nothing is trimmed.
	plain := "\xff\xfb\x50\x00" + strings.Repeat("\x00", 300)
	if got := parseGapless(h, []byte(plain)); got != (mp3Gapless{}) {
		t.Errorf("plain frame: got %+v", got)
	}
}

func TestDecodeMP3IsGapless(t *testing.T) {
	// 44100 samples went into the encoder; exactly as many come out once the
	// tag frame, encoder delay and padding are dropped: 16000 at 16 kHz.
	for _, name := range []string{"tone.mp3", "tone-16k.mp3"} {
		pcm, err := DecodeFile(context.Background(), fixture(name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(pcm.Samples) != SampleRate {
			t.Errorf("%s: got %d samples, want %d", name, len(pcm.Samples), SampleRate)
		}
		// The tone starts at once: no leading silence from the tag frame.
		if a := amplitude(pcm.Samples[:800], 440, SampleRate); a < 0.08 {
			t.Errorf("%s: amplitude %.3f over the first 50 ms: leading silence", name, a)
		}
	}
}

func TestPanicErrorNamesTheSite(t *testing.T) {
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = panicError(v)
			}
		}()
		indexOutOfRange(3)
		return nil
	}()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
	want := "corrupt audio data: decoder panic in github.com/instanttranscriber/instanttranscriber/engine/audio.indexOutOfRange: runtime error: index out of range [3] with length 2"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
}

//go:noinline
func indexOutOfRange(i int) int {
	return []int{1, 2}[i]
}
