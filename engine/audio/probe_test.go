package audio

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestProbeFormats(t *testing.T) {
	for _, tt := range formatTests {
		t.Run(tt.file, func(t *testing.T) {
			if tt.ffmpeg {
				needFFmpeg(t)
			}
			info, err := Probe(context.Background(), fixture(tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tt.format {
				t.Errorf("format %q, want %q", info.Format, tt.format)
			}
			// Probe and Decode agree within a codec frame, except that
			// ffprobe may count encoder padding (two MP3 frames at 8 kHz).
			lo, hi := -max(tt.tol, time.Millisecond), max(tt.tol, time.Millisecond)
			if tt.ffmpeg {
				hi += 160 * time.Millisecond
			}
			if d := info.Duration - tt.dur; d < lo || d > hi {
				t.Errorf("duration %v, want %v within [%v, %v]", info.Duration, tt.dur, lo, hi)
			}
			if info.SampleRate == 0 || info.Channels == 0 {
				t.Errorf("got %d Hz %d ch", info.SampleRate, info.Channels)
			}
			if tt.rate != 0 && (info.SampleRate != tt.rate || info.Channels != tt.channels) {
				t.Errorf("got %d Hz %d ch, want %d Hz %d ch", info.SampleRate, info.Channels, tt.rate, tt.channels)
			}
		})
	}
}

func TestProbeWithoutFFprobe(t *testing.T) {
	// WAV, MP3 and FLAC need no tools; the rest name the format.
	for _, tt := range formatTests {
		_, err := Probe(context.Background(), fixture(tt.file), noFFmpeg)
		switch {
		case tt.ffmpeg && !errors.Is(err, ErrNeedsFFmpeg):
			t.Errorf("%s: got %v, want ErrNeedsFFmpeg", tt.file, err)
		case !tt.ffmpeg && err != nil:
			t.Errorf("%s: %v", tt.file, err)
		}
	}
}

func TestProbeJFK(t *testing.T) {
	const path = "../../testdata/jfk.wav"
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skip("jfk.wav not found")
	}
	info, err := Probe(context.Background(), path, noFFmpeg)
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Format: "wav", Duration: 11 * time.Second, SampleRate: 16000, Channels: 1}
	if info != want {
		t.Errorf("got %+v, want %+v", info, want)
	}
}

func TestProbeMaxDuration(t *testing.T) {
	tests := []struct {
		file   string
		ffmpeg bool
	}{
		{"tone.mp3", false},
		{"tone.flac", false},
		{"tone-ulaw.wav", false},
		{"tone.m4a", true},
	}
	for _, tt := range tests {
		if tt.ffmpeg {
			needFFmpeg(t)
		}
		info, err := Probe(context.Background(), fixture(tt.file), Options{MaxDuration: 200 * time.Millisecond})
		if !errors.Is(err, ErrTooLong) {
			t.Errorf("%s: got %v, want ErrTooLong", tt.file, err)
		}
		if info.Duration <= 200*time.Millisecond {
			t.Errorf("%s: got %+v, want the Info with the error", tt.file, info)
		}
	}
}

func TestProbeFLACWithoutLength(t *testing.T) {
	b := readFixture(t, "tone.flac")
	b[21] &= 0xf0
	clear(b[22:26])
	path := filepath.Join(t.TempDir(), "nolength.flac")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := Probe(context.Background(), path, Options{})
	if err != nil || info.Duration != time.Second {
		t.Errorf("got %+v, %v; want 1s counted from the frames", info, err)
	}
	if _, err := Probe(context.Background(), path, Options{MaxDuration: 500 * time.Millisecond}); !errors.Is(err, ErrTooLong) {
		t.Errorf("got %v, want ErrTooLong", err)
	}
}

func TestProbeBadInput(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"text", []byte("hello\n"), ErrNotAudio},
		{"zero-sample wav", makeWAV(wavSpec{codec: wavPCM, rate: 16000, channels: 1, bits: 16}, nil), ErrNoSamples},
		{"wav without data", []byte("RIFF\x04\x00\x00\x00WAVE"), ErrTruncated},
		{"flac header only", readFixture(t, "tone.flac")[:20], ErrTruncated},
		{"ogg without ffprobe", []byte("OggS\x00\x02"), ErrNeedsFFmpeg},
	}
	for _, tt := range tests {
		_, err := probe(context.Background(), bytes.NewReader(tt.data), "", noFFmpeg)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
		var e *Error
		if !errors.As(err, &e) || e.Op != "probe" {
			t.Errorf("%s: got %#v, want an *Error from probe", tt.name, err)
		}
	}
}

func TestProbeVideoWithoutAudio(t *testing.T) {
	needFFmpeg(t)
	if _, err := Probe(context.Background(), fixture("video-no-audio.mp4"), Options{}); !errors.Is(err, ErrNoSamples) {
		t.Errorf("Probe: got %v, want ErrNoSamples", err)
	}
	if _, err := DecodeFile(context.Background(), fixture("video-no-audio.mp4"), Options{}); !errors.Is(err, ErrNoSamples) {
		t.Errorf("DecodeFile: got %v, want ErrNoSamples", err)
	}
}
