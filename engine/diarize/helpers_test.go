package diarize

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"
)

// fixture is a committed test conversation (see testdata/generate.sh).
type fixture struct {
	samples []float32
	ref     []Turn
}

// loadFixture reads testdata/name.wav and its reference turns.
func loadFixture(t testing.TB, name string) fixture {
	t.Helper()
	pcm, err := audio.DecodeFile(context.Background(), filepath.Join("testdata", name+".wav"), audio.Options{})
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	f, err := os.Open(filepath.Join("testdata", name+".ref"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ref []Turn
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a, b float64
		var s int
		if _, err := fmt.Sscan(sc.Text(), &a, &b, &s); err != nil {
			t.Fatalf("%s.ref: %q: %v", name, sc.Text(), err)
		}
		ref = append(ref, Turn{Start: seconds(a), End: seconds(b), Speaker: s})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return fixture{samples: pcm.Samples, ref: ref}
}

// seconds converts s seconds to a Duration.
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// speakersOf returns the number of distinct speakers in turns.
func speakersOf(turns []Turn) int { return len(speakerIndex(turns)) }

// regionsOf returns the spans of the turns, as a VAD would give them.
func regionsOf(turns []Turn) []Region {
	out := make([]Region, len(turns))
	for i, t := range turns {
		out[i] = Region{Start: t.Start, End: t.End}
	}
	return out
}
