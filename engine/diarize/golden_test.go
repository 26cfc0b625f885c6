package diarize

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.turns from the current output")

// longFixture returns the committed fixtures joined into a recording of
// about 2.7 minutes: long enough for the spectral step and for the
// features to be computed in several chunks.
func longFixture(t testing.TB) []float32 {
	one, two := loadFixture(t, "one").samples, loadFixture(t, "two").samples
	var out []float32
	for i := range 4 {
		out = append(out, two...)
		if i < 3 {
			out = append(out, one...)
		}
	}
	return out
}

// TestDiarizeGolden compares the turns with those in testdata/*.turns,
// written by the implementation that read the whole recording at once (and
// kept every frame's features): processing the samples in windows must not
// change a single turn.
func TestDiarizeGolden(t *testing.T) {
	tests := []struct {
		name    string
		samples func(testing.TB) []float32
		opts    Options
	}{
		{"one", func(t testing.TB) []float32 { return loadFixture(t, "one").samples }, Options{}},
		{"two", func(t testing.TB) []float32 { return loadFixture(t, "two").samples }, Options{}},
		{"long", longFixture, Options{}},
		{"long-3", longFixture, Options{Speakers: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turns, err := Diarize(context.Background(), tt.samples(t), nil, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.name+".turns")
			if *update {
				if err := os.WriteFile(path, []byte(formatTurns(turns)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readTurns(t, path)
			if !slices.Equal(turns, want) {
				t.Errorf("turns differ from %s:\ngot:\n%swant:\n%s", path, formatTurns(turns), formatTurns(want))
			}
		})
	}
}

// formatTurns writes one turn a line: start and end in nanoseconds, speaker.
func formatTurns(turns []Turn) string {
	var b strings.Builder
	for _, tr := range turns {
		fmt.Fprintf(&b, "%d %d %d\n", tr.Start, tr.End, tr.Speaker)
	}
	return b.String()
}

// readTurns reads a file written by formatTurns.
func readTurns(t testing.TB, path string) []Turn {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Turn
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var tr Turn
		if _, err := fmt.Sscan(sc.Text(), &tr.Start, &tr.End, &tr.Speaker); err != nil {
			t.Fatalf("%s: %q: %v", path, sc.Text(), err)
		}
		out = append(out, tr)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
