package audio

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestDecodeFileToMatchesDecodeFile checks that streaming to a mapped file
// gives exactly the samples of decoding into memory, for every decoder and
// for inputs long enough to be spilled in several blocks.
func TestDecodeFileToMatchesDecodeFile(t *testing.T) {
	long := filepath.Join(t.TempDir(), "long.wav")
	// 12 s of 44.1 kHz stereo: resampled, downmixed, spilled in 3 blocks.
	wav := makeWAV(wavSpec{codec: wavPCM, rate: 44100, channels: 2, bits: 16}, sine(440, 44100, 12, 0.5, 2))
	if err := os.WriteFile(long, wav, 0o600); err != nil {
		t.Fatal(err)
	}
	files := []string{long, "../../testdata/jfk.wav"}
	for _, tt := range formatTests {
		if tt.ffmpeg {
			if _, err := exec.LookPath("ffmpeg"); err != nil {
				continue
			}
		}
		files = append(files, fixture(tt.file))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, err := DecodeFile(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			got, err := DecodeFileTo(context.Background(), path, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			if !slices.Equal(got.Samples, want.Samples) {
				t.Fatalf("got %d samples, want %d, or they differ", len(got.Samples), len(want.Samples))
			}
			if got.Format != want.Format || got.SourceRate != want.SourceRate ||
				got.SourceChannels != want.SourceChannels || got.Truncated != want.Truncated {
				t.Errorf("got %s %d Hz %d ch truncated %v, want %s %d Hz %d ch truncated %v",
					got.Format, got.SourceRate, got.SourceChannels, got.Truncated,
					want.Format, want.SourceRate, want.SourceChannels, want.Truncated)
			}
			// Released pages read back the same from the file.
			got.Release(0, len(got.Samples))
			if !slices.Equal(got.Samples, want.Samples) {
				t.Error("samples differ after Release")
			}
			assertEmptyDir(t, dir)
			if err := got.Close(); err != nil {
				t.Fatal(err)
			}
			if got.Samples != nil {
				t.Error("Samples still set after Close")
			}
			if err := got.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
		})
	}
}

func TestDecodeFileToLeavesNothingOnError(t *testing.T) {
	notAudio := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notAudio, []byte("not audio at all, just some text"), 0o600); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		opts Options
		want error
	}{
		{"not audio", context.Background(), notAudio, Options{}, ErrNotAudio},
		{"too long", context.Background(), "../../testdata/jfk.wav", Options{MaxDuration: 5 * time.Second}, ErrTooLong},
		{"canceled", canceled, "../../testdata/jfk.wav", Options{}, context.Canceled},
		{"missing", context.Background(), filepath.Join(t.TempDir(), "gone.wav"), Options{}, os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pcm, err := DecodeFileTo(tt.ctx, tt.path, dir, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, %v; want %v", pcm, err, tt.want)
			}
			assertEmptyDir(t, dir)
		})
	}
	if _, err := DecodeFileTo(context.Background(), "../../testdata/jfk.wav", filepath.Join(t.TempDir(), "no-such-dir"), Options{}); err == nil {
		t.Error("decoding into a missing directory succeeded")
	}
}

// assertEmptyDir fails unless dir has no entries.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}
