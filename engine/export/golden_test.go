package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCase is one golden file: a fixture rendered in a format.
type goldenCase struct {
	name   string // file name without the format's extension
	fix    fixture
	format Format
	opts   CaptionOptions
}

// goldenCases returns every fixture in every format with default options,
// and the long fixture as narrow one-line captions.
func goldenCases() []goldenCase {
	var cases []goldenCase
	for _, fix := range fixtures() {
		for _, f := range Formats() {
			cases = append(cases, goldenCase{fix.name, fix, f, CaptionOptions{}})
		}
	}
	narrow := CaptionOptions{MaxLineLength: 32, MaxLines: 1, MaxCueDuration: 3 * time.Second}
	for _, f := range []Format{SRT, VTT} {
		cases = append(cases, goldenCase{"long-narrow", fixture{"long", longTranscript()}, f, narrow})
	}
	// Named speakers, in every format; and as narrow captions, where a
	// cue still never holds two speakers' words.
	named := fixture{"speakers-named", namedSpeakersTranscript()}
	for _, f := range Formats() {
		cases = append(cases, goldenCase{named.name, named, f, CaptionOptions{}})
	}
	tight := CaptionOptions{MaxLineLength: 24, MaxLines: 1, MaxCueDuration: 2 * time.Second}
	for _, f := range []Format{SRT, VTT} {
		cases = append(cases, goldenCase{"speakers-narrow", named, f, tight})
	}
	return cases
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		file := tc.name + tc.format.Extension() + ".golden"
		t.Run(file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.fix.t, tc.format, tc.opts); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update after checking it)\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
