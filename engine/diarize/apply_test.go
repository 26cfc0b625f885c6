package diarize

import (
	"reflect"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// word builds a Word from seconds.
func word(text string, start, end float64) transcript.Word {
	return transcript.Word{Text: text, Start: seconds(start), End: seconds(end), Probability: 0.9}
}

// labelsOf returns the segments' speakers and, per segment, its words'.
func labelsOf(t *transcript.Transcript) ([]string, [][]string) {
	var segs []string
	var words [][]string
	for _, s := range t.Segments {
		segs = append(segs, s.Speaker)
		var ws []string
		for _, w := range s.Words {
			ws = append(ws, w.Speaker)
		}
		words = append(words, ws)
	}
	return segs, words
}

func TestApplyLabelsAndSplits(t *testing.T) {
	// Speaker 3 talks first, so it is "A".
	turns := []Turn{turn(0, 5, 3), turn(5, 9, 1), turn(9.5, 12, 3)}
	tr := &transcript.Transcript{
		Text: "Hello there, how are you? I am fine. Thanks for asking. Great.",
		Segments: []transcript.Segment{
			{Start: seconds(0), End: seconds(2.4), Text: "Hello there, how are you?", Words: []transcript.Word{
				word("Hello", 0, 0.5), word("there,", 0.6, 1), word("how", 1.2, 1.5), word("are", 1.6, 1.8), word("you?", 1.9, 2.3)}},
			{Start: seconds(4), End: seconds(8), Text: "I am fine. Thanks for asking.", SpeakerTurnNext: true, Words: []transcript.Word{
				word("I", 4, 4.2), word("am", 4.3, 4.5), word("fine.", 4.6, 4.9),
				word("Thanks", 5.2, 5.6), word("for", 5.7, 5.9), word("asking.", 6, 6.5)}},
			{Start: seconds(9.6), End: seconds(11), Text: "Great."},
		},
	}
	Apply(tr, turns, nil)

	wantSegs := []transcript.Segment{
		{Start: seconds(0), End: seconds(2.4), Text: "Hello there, how are you?", Speaker: "A"},
		{Start: seconds(4), End: seconds(5.2), Text: "I am fine.", Speaker: "A"},
		{Start: seconds(5.2), End: seconds(8), Text: "Thanks for asking.", Speaker: "B", SpeakerTurnNext: true},
		{Start: seconds(9.6), End: seconds(11), Text: "Great.", Speaker: "A"},
	}
	if len(tr.Segments) != len(wantSegs) {
		t.Fatalf("got %d segments, want %d: %+v", len(tr.Segments), len(wantSegs), tr.Segments)
	}
	for i, want := range wantSegs {
		got := tr.Segments[i]
		got.Words = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("segment %d = %+v, want %+v", i, got, want)
		}
	}
	_, words := labelsOf(tr)
	wantWords := [][]string{{"A", "A", "A", "A", "A"}, {"A", "A", "A"}, {"B", "B", "B"}, nil}
	if !reflect.DeepEqual(words, wantWords) {
		t.Errorf("word speakers = %v, want %v", words, wantWords)
	}
	if got, want := tr.Text, "Hello there, how are you? I am fine. Thanks for asking. Great."; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	wantSpeakers := []transcript.Speaker{{Label: "A", SpeakingTime: 7500 * time.Millisecond}, {Label: "B", SpeakingTime: 4 * time.Second}}
	if !reflect.DeepEqual(tr.Speakers, wantSpeakers) {
		t.Errorf("Speakers = %+v, want %+v", tr.Speakers, wantSpeakers)
	}
}

func TestApplyShortFlips(t *testing.T) {
	// Speaker 1 holds 3.0-3.3 s, inside speaker 0's long turn.
	turns := []Turn{turn(0, 3, 0), turn(3, 3.3, 1), turn(3.3, 8, 0)}
	tests := []struct {
		name      string
		words     []transcript.Word
		wantSegs  []string
		wantWords [][]string
	}{
		{
			"flip inside running speech is smoothed",
			[]transcript.Word{word("so", 2.5, 2.9), word("we", 3.0, 3.3), word("go", 3.4, 3.8)},
			[]string{"A"}, [][]string{{"A", "A", "A"}},
		},
		{
			"short answer between pauses is kept",
			[]transcript.Word{word("so", 1.5, 1.9), word("yes", 3.0, 3.3), word("go", 4.4, 4.8)},
			[]string{"A", "B", "A"}, [][]string{{"A"}, {"B"}, {"A"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &transcript.Transcript{Segments: []transcript.Segment{{Start: tt.words[0].Start, End: tt.words[2].End, Text: "x", Words: tt.words}}}
			Apply(tr, turns, nil)
			segs, words := labelsOf(tr)
			if !reflect.DeepEqual(segs, tt.wantSegs) || !reflect.DeepEqual(words, tt.wantWords) {
				t.Errorf("speakers %v %v, want %v %v", segs, words, tt.wantSegs, tt.wantWords)
			}
		})
	}
}

func TestApplyNoTurns(t *testing.T) {
	tr := &transcript.Transcript{Segments: []transcript.Segment{{Start: 0, End: time.Second, Text: "hi", Words: []transcript.Word{word("hi", 0, 1)}}}}
	Apply(tr, nil, nil)
	if tr.Speakers == nil || len(tr.Speakers) != 0 {
		t.Errorf("Speakers = %#v, want empty and not nil", tr.Speakers)
	}
	if tr.Segments[0].Speaker != "" || tr.Segments[0].Words[0].Speaker != "" {
		t.Errorf("labels set without turns: %+v", tr.Segments[0])
	}
	Apply(nil, []Turn{turn(0, 1, 0)}, nil) // must not panic
}

func TestApplyWordOutsideTurns(t *testing.T) {
	// A word in a pause takes the nearest turn's speaker.
	turns := []Turn{turn(0, 2, 0), turn(6, 8, 1)}
	tr := &transcript.Transcript{Segments: []transcript.Segment{
		{Start: seconds(2), End: seconds(2.6), Text: "late", Words: []transcript.Word{word("late", 2.2, 2.6)}},
		{Start: seconds(5), End: seconds(5.6), Text: "early", Words: []transcript.Word{word("early", 5.2, 5.6)}},
	}}
	Apply(tr, turns, nil)
	if segs, _ := labelsOf(tr); !reflect.DeepEqual(segs, []string{"A", "B"}) {
		t.Errorf("speakers = %v, want [A B]", segs)
	}
}

func TestSnapTurns(t *testing.T) {
	turns := []Turn{turn(0, 5, 0), turn(5, 9, 1), turn(9.5, 12, 0)}
	tests := []struct {
		name string
		cps  []float64
		want []Turn
	}{
		{"near a boundary", []float64{5.4}, []Turn{turn(0, 5.4, 0), turn(5.4, 9, 1), turn(9.5, 12, 0)}},
		{"nearest of two", []float64{4.2, 5.3}, []Turn{turn(0, 5.3, 0), turn(5.3, 9, 1), turn(9.5, 12, 0)}},
		{"too far", []float64{3.5, 7}, turns},
		{"inside the pause", []float64{9.2}, turns},
		{"none", nil, turns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cps []time.Duration
			for _, c := range tt.cps {
				cps = append(cps, seconds(c))
			}
			got := snapTurns(append([]Turn(nil), turns...), cps)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		i    int
		want string
	}{{0, "A"}, {1, "B"}, {25, "Z"}, {26, "AA"}, {27, "AB"}, {701, "ZZ"}, {702, "AAA"}}
	for _, tt := range tests {
		if got := Label(tt.i); got != tt.want {
			t.Errorf("Label(%d) = %q, want %q", tt.i, got, tt.want)
		}
	}
}

// TestApplyFirstWordOfTurn checks that a turn change between two words
// moves to the pause between them, whichever side of it Diarize put the
// boundary (its turns have the resolution of a 0.25 s block): the first
// word of the new turn carries the new speaker, the last word of the old
// one the old speaker.
func TestApplyFirstWordOfTurn(t *testing.T) {
	words := []transcript.Word{
		word("I", 4, 4.2), word("am", 4.3, 4.5), word("fine.", 4.6, 4.9),
		word("Thanks", 5.2, 5.6), word("for", 5.65, 5.9), word("asking.", 5.95, 6.5)}
	for _, tc := range []struct {
		name     string
		boundary float64
	}{
		{"boundary late, inside the first word of the turn", 5.5},
		{"boundary early, inside the last word before it", 4.7},
		{"boundary in the pause", 5.0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &transcript.Transcript{Segments: []transcript.Segment{
				{Start: seconds(4), End: seconds(6.5), Text: "I am fine. Thanks for asking.", Words: append([]transcript.Word(nil), words...)}}}
			Apply(tr, []Turn{turn(0, tc.boundary, 0), turn(tc.boundary, 9, 1)}, nil)
			_, got := labelsOf(tr)
			want := [][]string{{"A", "A", "A"}, {"B", "B", "B"}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("word speakers = %v, want %v", got, want)
			}
		})
	}
}
