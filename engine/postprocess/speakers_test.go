package postprocess

import (
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// words builds words of 0.5 s each starting at start.
func words(start float64, texts ...string) []transcript.Word {
	var ws []transcript.Word
	for i, t := range texts {
		ws = append(ws, transcript.Word{Text: t, Start: sec(start + 0.5*float64(i)), End: sec(start + 0.5*float64(i) + 0.45)})
	}
	return ws
}

func TestApplyTurns(t *testing.T) {
	tr := &transcript.Transcript{Segments: []transcript.Segment{
		// Speaker 1 then speaker 0 inside one segment: it must be split.
		{Start: 0, End: sec(3), Text: "hello there how are you", Words: words(0, "hello", "there", "how", "are", "you")},
		{Start: sec(3), End: sec(5), Text: "fine thanks", Words: words(3, "fine", "thanks")},
		// A wordless segment takes its own overlap.
		{Start: sec(6), End: sec(7), Text: "ok"},
	}}
	turns := []diarize.Turn{
		{Start: 0, End: sec(1), Speaker: 1},
		{Start: sec(1), End: sec(5.5), Speaker: 0},
		{Start: sec(5.5), End: sec(8), Speaker: 1},
	}
	applyTurns(tr, turns)

	var got []string
	for _, s := range tr.Segments {
		got = append(got, s.Speaker+":"+s.Text)
		for _, w := range s.Words {
			if w.Speaker != s.Speaker {
				t.Errorf("word %q speaker %q in a segment of %q", w.Text, w.Speaker, s.Speaker)
			}
		}
	}
	want := []string{"A:hello there", "B:how are you", "B:fine thanks", "A:ok"}
	if len(got) != len(want) {
		t.Fatalf("segments = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("segment %d = %q, want %q", i, got[i], want[i])
		}
	}
	if tr.Segments[1].Start != sec(1) || tr.Segments[0].End != sec(0.95) {
		t.Errorf("split times: first ends %v, second starts %v", tr.Segments[0].End, tr.Segments[1].Start)
	}
	if len(tr.Speakers) != 2 || tr.Speakers[0].Label != "A" || tr.Speakers[1].Label != "B" {
		t.Fatalf("speakers = %+v", tr.Speakers)
	}
	if got, want := tr.Speakers[1].SpeakingTime, sec(2)+sec(2); got != want {
		t.Errorf("B speaking time = %v, want %v", got, want)
	}
}

// TestApplyTurnsSmoothsFlips: one short word attributed to another speaker
// inside a turn is an error, not a turn; a tinydiarize turn keeps it.
func TestApplyTurnsSmoothsFlips(t *testing.T) {
	build := func(turnNext bool) *transcript.Transcript {
		return &transcript.Transcript{Segments: []transcript.Segment{
			{Start: 0, End: sec(1), Text: "one two", Words: words(0, "one", "two"), SpeakerTurnNext: turnNext},
			{Start: sec(1), End: sec(1.5), Text: "three", Words: words(1, "three")},
			{Start: sec(1.5), End: sec(2.5), Text: "four five", Words: words(1.5, "four", "five")},
		}}
	}
	turns := []diarize.Turn{
		{Start: 0, End: sec(1), Speaker: 0},
		{Start: sec(1), End: sec(1.45), Speaker: 1},
		{Start: sec(1.45), End: sec(3), Speaker: 0},
	}
	tr := build(false)
	applyTurns(tr, turns)
	if len(tr.Speakers) != 1 {
		t.Errorf("speakers = %+v, want the flip smoothed into one speaker", tr.Speakers)
	}
	tr = build(true)
	applyTurns(tr, turns)
	if len(tr.Speakers) != 2 || tr.Segments[1].Speaker != "B" {
		t.Errorf("with a tinydiarize turn: speakers = %+v, segment 1 by %q; want the turn kept", tr.Speakers, tr.Segments[1].Speaker)
	}
}
