package export

import (
	"slices"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestSplitSegment(t *testing.T) {
	type cue struct {
		text       string
		start, end int // ms
	}
	tests := []struct {
		name       string
		text       string
		words      []transcript.Word
		b          budget
		maxDur     time.Duration
		start, end int
		want       []cue
	}{
		{"fits", "short text", nil, budget{42, 42, 2}, 7 * time.Second, 500, 2500,
			[]cue{{"short text", 500, 2500}}},
		{"too long, split evenly", "aaaa bbbb cccc dddd", nil, budget{10, 10, 1}, time.Minute, 0, 4000,
			[]cue{{"aaaa bbbb", 0, 2000}, {"cccc dddd", 2000, 4000}}},
		{"too long to show, by length", "aaaa bbbb cc", nil, budget{42, 42, 2}, 8 * time.Second, 0, 10000,
			[]cue{{"aaaa", 0, 4000}, {"bbbb cc", 4000, 10000}}},
		{"one word may stay long", "word", nil, budget{42, 42, 2}, time.Second, 0, 20000,
			[]cue{{"word", 0, 20000}}},
		{"cue times from words", "aaaa bbbb cccc dddd",
			[]transcript.Word{w("aaaa", 1000, 2000), w("bbbb", 3000, 4000), w("cccc", 5000, 6000), w("dddd", 7000, 8000)},
			budget{10, 10, 1}, time.Minute, 500, 9000,
			[]cue{{"aaaa bbbb", 500, 4000}, {"cccc dddd", 5000, 9000}}},
		{"ends a sentence", "We agree. So let us start now", nil, budget{20, 20, 1}, time.Minute, 0, 2900,
			[]cue{{"We agree.", 0, 1008}, {"So let us start now", 1008, 2900}}},
		{"first line shorter", "aaaa bbbb cccc", nil, budget{4, 9, 2}, time.Minute, 0, 1200,
			[]cue{{"aaaa bbbb cccc", 0, 1200}}},
		{"first line shorter, two cues", "aaaa bbbb cccc dddd", nil, budget{4, 9, 2}, time.Minute, 0, 1600,
			[]cue{{"aaaa bbbb", 0, 800}, {"cccc dddd", 800, 1600}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := tokenize(tt.text)
			timeTokens(toks, tt.words, ms(tt.start), ms(tt.end))
			var got []cue
			for _, s := range splitSegment(toks, tt.b, tt.maxDur, ms(tt.start), ms(tt.end)) {
				got = append(got, cue{joinLine(s.toks), int(s.start / time.Millisecond), int(s.end / time.Millisecond)})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("splitSegment = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWrapLines(t *testing.T) {
	tests := []struct {
		text string
		b    budget
		want []string
	}{
		{"fits on one line", budget{42, 42, 2}, []string{"fits on one line"}},
		{"aaaa bbbb cccc dddd eeee", budget{20, 20, 2}, []string{"aaaa bbbb", "cccc dddd eeee"}},
		{"Well, I am not sure about it", budget{20, 20, 2}, []string{"Well, I am not", "sure about it"}},
		{"今日は字幕の話", budget{4, 4, 2}, []string{"今日は", "字幕の話"}},
		{"aaaa bbbb cccc", budget{5, 20, 2}, []string{"aaaa", "bbbb cccc"}},
		{"a b c d e f g h i", budget{5, 5, 3}, []string{"a b c", "d e f", "g h i"}},
	}
	for _, tt := range tests {
		if got := wrapLines(tokenize(tt.text), tt.b); !slices.Equal(got, tt.want) {
			t.Errorf("wrapLines(%q, %+v) = %q, want %q", tt.text, tt.b, got, tt.want)
		}
	}
}

func TestLayout(t *testing.T) {
	tests := []struct {
		text string
		b    budget
		fits int // how many tokens fit
	}{
		{"aaaa bbbb cccc", budget{9, 9, 1}, 2},
		{"aaaa bbbb cccc", budget{9, 9, 2}, 3},
		{"aaaa bbbb cccc dddd eeee", budget{9, 9, 2}, 4},
		{"aaaa bbbb cccc", budget{4, 9, 2}, 3},
		{"今日は字幕の話", budget{3, 3, 2}, 6},
	}
	for _, tt := range tests {
		l := layout{b: tt.b}
		n := 0
		for _, tok := range tokenize(tt.text) {
			if !l.add(tok) {
				break
			}
			n++
		}
		if n != tt.fits {
			t.Errorf("%d tokens of %q fit in %+v, want %d", n, tt.text, tt.b, tt.fits)
		}
	}
}
