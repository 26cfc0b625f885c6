//go:build whisper

package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// TestChunkedTranscription transcribes jfk.wav three times over with a
// chunk length shorter than the audio: every window must be heard, and the
// joined transcript must read as one, with times that only go forward.
func TestChunkedTranscription(t *testing.T) {
	m := testModel(t)
	one := jfk(t)
	samples := make([]float32, 0, 3*len(one))
	for range 3 {
		samples = append(samples, one...)
	}
	var (
		progress progressLog
		released [][2]int
	)
	tr, err := m.Transcribe(context.Background(), samples, engine.Options{
		ChunkLength:     12 * time.Second,
		TokenTimestamps: true,
		Release:         func(from, to int) { released = append(released, [2]int{from, to}) },
		Progress:        progress.add,
	})
	if err != nil {
		t.Fatalf("Transcribe: %v", err)
	}
	clip := time.Duration(len(one)) * time.Second / 16000
	if got, want := tr.Duration, 3*clip; got != want {
		t.Errorf("duration = %v, want %v", got, want)
	}
	if tr.Language != "en" {
		t.Errorf("language = %q, want en", tr.Language)
	}

	// The windows cover the audio once, in order, and there are several.
	if len(released) < 3 {
		t.Errorf("released %v: want at least 3 windows", released)
	}
	next := 0
	for _, r := range released {
		if r[0] != next || r[1] <= r[0] {
			t.Errorf("released %v: not contiguous from %d", released, next)
			break
		}
		next = r[1]
	}
	if next != len(samples) {
		t.Errorf("released up to %d of %d samples", next, len(samples))
	}

	// Times only go forward and stay inside the audio; each repetition of
	// the clip holds the whole phrase.
	var prevEnd time.Duration
	heard := make([][]string, 3)
	var texts []string
	for i, s := range tr.Segments {
		if s.Start < prevEnd || s.End < s.Start || s.End > tr.Duration {
			t.Errorf("segment %d %q at %v-%v out of order (previous end %v)", i, s.Text, s.Start, s.End, prevEnd)
		}
		prevEnd = s.End
		texts = append(texts, s.Text)
		if len(s.Words) == 0 {
			t.Errorf("segment %d has no words", i)
		}
		for _, w := range s.Words {
			if w.Start < s.Start || w.End > s.End || w.End < w.Start {
				t.Errorf("word %q at %v-%v outside its segment %v-%v", w.Text, w.Start, w.End, s.Start, s.End)
			}
			rep := min(int(w.Start/clip), 2)
			heard[rep] = append(heard[rep], w.Text)
		}
	}
	for rep, words := range heard {
		if got := normalize(strings.Join(words, " ")); !strings.Contains(got, jfkPhrase) {
			t.Errorf("repetition %d (%v-%v) heard %q, want %q in it", rep, time.Duration(rep)*clip, time.Duration(rep+1)*clip, got, jfkPhrase)
		}
	}
	if got, want := tr.Text, strings.Join(texts, " "); got != want {
		t.Errorf("text %q is not the segments joined %q", got, want)
	}
	if n := strings.Count(normalize(tr.Text), jfkPhrase); n != 3 {
		t.Errorf("text has the phrase %d times, want 3: %q", n, tr.Text)
	}

	progress.check(t, 3)
}

func TestChunkLengthTooShort(t *testing.T) {
	m := testModel(t)
	_, err := m.Transcribe(context.Background(), jfk(t), engine.Options{ChunkLength: time.Second})
	if !errors.Is(err, engine.ErrInvalidOption) {
		t.Fatalf("got %v, want ErrInvalidOption", err)
	}
}
