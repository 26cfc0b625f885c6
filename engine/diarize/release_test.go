package diarize

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestAnalyseChunks checks that computing the features a few frames at a
// time gives the same embeddings and blocks as computing a whole region at
// once, on one region of 2.7 minutes.
func TestAnalyseChunks(t *testing.T) {
	samples := longFixture(t)
	speech := []Region{{Start: 0, End: time.Duration(len(samples)) * time.Second / sampleRate}}
	cues := []time.Duration{10 * time.Second, 65 * time.Second}
	fs := layout(samples, speech)
	wins := fs.windows(winFrames, winHop)
	gate, err := fs.gate(context.Background(), samples, newSweep(nil, len(samples)))
	if err != nil {
		t.Fatal(err)
	}
	analyse := func(chunk int) ([][]float64, []block) {
		emb, blocks, err := fs.analyse(context.Background(), samples, speech, wins, gate, cues, chunk, newSweep(nil, len(samples)))
		if err != nil {
			t.Fatal(err)
		}
		return emb, blocks
	}
	wantEmb, wantBlocks := analyse(fs.total)
	if len(wantEmb) != len(wins) || len(wantBlocks) != fs.blockCount() {
		t.Fatalf("%d embeddings, %d blocks; want %d, %d", len(wantEmb), len(wantBlocks), len(wins), fs.blockCount())
	}
	for _, chunk := range []int{1, winFrames + 1, chunkFrames} {
		emb, blocks := analyse(chunk)
		if !reflect.DeepEqual(emb, wantEmb) {
			t.Errorf("chunk %d: embeddings differ", chunk)
		}
		if !reflect.DeepEqual(blocks, wantBlocks) {
			t.Errorf("chunk %d: blocks differ", chunk)
		}
	}
}

// TestDiarizeRelease checks that Options.Release is called, in each pass
// over the samples, with ranges that follow one another from the first
// sample to the last.
func TestDiarizeRelease(t *testing.T) {
	samples := longFixture(t)
	tests := []struct {
		name   string
		speech []Region
		passes int
	}{
		{"energy VAD", nil, 3},
		{"VAD regions given", EnergyVAD(samples), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls [][2]int
			turns, err := Diarize(context.Background(), samples, tt.speech, Options{
				Release: func(from, to int) { calls = append(calls, [2]int{from, to}) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(turns) == 0 {
				t.Fatal("no turns")
			}
			var passes []int // calls in each pass
			next, n := 0, 0
			for _, c := range calls {
				if c[0] != next || c[1] <= c[0] {
					t.Fatalf("call %v after %d: not the next range (calls %v)", c, next, calls)
				}
				next, n = c[1], n+1
				if next == len(samples) {
					passes, next, n = append(passes, n), 0, 0
				}
			}
			if next != 0 || len(passes) != tt.passes {
				t.Fatalf("%d passes over all %d samples, %d left: want %d (calls %v)", len(passes), len(samples), next, tt.passes, calls)
			}
			for i, n := range passes {
				// 2.7 minutes of samples, read a minute at a time.
				if n < 2 {
					t.Errorf("pass %d: %d calls; want the samples released as the pass goes, not at its end", i, n)
				}
			}
		})
	}
}
