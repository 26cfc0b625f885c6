package export

import (
	"slices"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// tokenStrings shows toks as their texts, with "+" before a glued one.
func tokenStrings(toks []token) []string {
	var out []string
	for _, t := range toks {
		s := t.text
		if t.glue {
			s = "+" + s
		}
		out = append(out, s)
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" \n\t ", nil},
		{"Hello,  world\n again", []string{"Hello,", "world", "again"}},
		{"今日は。字幕", []string{"今", "+日", "+は。", "+字", "+幕"}},
		{"「二つ」です", []string{"「二", "+つ」", "+で", "+す"}},
		{"AI技术很好", []string{"AI", "+技", "+术", "+很", "+好"}},
		{"長音ーです", []string{"長", "+音ー", "+で", "+す"}},
		{"한국어 문장", []string{"한국어", "문장"}},
		{"bad\xffbyte", []string{"bad\uFFFDbyte"}},
	}
	for _, tt := range tests {
		if got := tokenStrings(tokenize(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// ms returns n milliseconds.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// w is a word from start to end in milliseconds.
func w(text string, start, end int) transcript.Word {
	return transcript.Word{Text: text, Start: ms(start), End: ms(end)}
}

func TestTimeTokens(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		words      []transcript.Word
		start, end int
		want       [][2]int // each token's start and end in ms
	}{
		{"no words, by length", "a bbb", nil, 0, 4000, [][2]int{{0, 1000}, {1000, 4000}}},
		{"whisper words", "Hello, world.", []transcript.Word{w(" Hello", 1000, 2000), w(",", 2000, 2100), w(" world", 2500, 3000), w(".", 3000, 3100)},
			500, 4000, [][2]int{{1000, 2100}, {2500, 3100}}},
		{"trimmed words", "Hello, world.", []transcript.Word{w("Hello", 1000, 2000), w("world", 2500, 3000)},
			500, 4000, [][2]int{{1000, 2000}, {2500, 3000}}},
		{"subword pieces", "captions now", []transcript.Word{w(" capt", 1000, 1500), w("ions", 1500, 2000), w(" now", 2000, 2500)},
			0, 3000, [][2]int{{1000, 2000}, {2000, 2500}}},
		{"gap between words", "one two three", []transcript.Word{w(" one", 0, 1000), w("[_BEG_]", 0, 0), w(" three", 3000, 4000)},
			0, 4000, [][2]int{{0, 1000}, {1000, 3000}, {3000, 4000}}},
		{"untimed tail", "one two", []transcript.Word{w(" one", 0, 1000)},
			0, 4000, [][2]int{{0, 1000}, {1000, 4000}}},
		{"a word over several characters", "字幕", []transcript.Word{w("字幕", 0, 2000)},
			0, 2000, [][2]int{{0, 1000}, {1000, 2000}}},
		{"words clamped to the segment", "a b", []transcript.Word{w("a", 0, 3000), w("b", 5000, 9000)},
			1000, 6000, [][2]int{{1000, 3000}, {5000, 6000}}},
		{"times never go back", "a b", []transcript.Word{w("a", 3000, 4000), w("b", 1000, 2000)},
			0, 5000, [][2]int{{3000, 4000}, {3000, 4000}}},
		{"end before start", "a b", nil, 2000, 1000, [][2]int{{2000, 2000}, {2000, 2000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := tokenize(tt.text)
			timeTokens(toks, tt.words, ms(tt.start), ms(tt.end))
			var got [][2]int
			for _, tok := range toks {
				got = append(got, [2]int{int(tok.start / time.Millisecond), int(tok.end / time.Millisecond)})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("token times = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCutLong(t *testing.T) {
	toks := []token{
		{text: "ab", runes: 2, end: ms(2000)},
		{text: "abcdefgh", runes: 8, start: ms(2000), end: ms(10000)},
		{text: "éèêëēėęe", runes: 8, glue: true},
	}
	got := cutLong(toks, 3)
	wantText := []string{"ab", "abc", "+def", "+gh", "+éèê", "+ëēė", "+ęe"}
	if s := tokenStrings(got); !slices.Equal(s, wantText) {
		t.Errorf("cutLong = %q, want %q", s, wantText)
	}
	wantTimes := [][2]int{{0, 2000}, {2000, 5000}, {5000, 8000}, {8000, 10000}}
	for i, want := range wantTimes {
		if g := [2]int{int(got[i].start / time.Millisecond), int(got[i].end / time.Millisecond)}; g != want {
			t.Errorf("piece %d times = %v, want %v", i, g, want)
		}
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		d        time.Duration
		num, den int
		want     time.Duration
	}{
		{10, 1, 3, 3},
		{10, 3, 3, 10},
		{10, 0, 3, 0},
		{10, 1, 0, 0},
		{1<<63 - 1, 2, 3, (1<<63 - 1) / 3 * 2},
	}
	for _, tt := range tests {
		if got := scale(tt.d, tt.num, tt.den); got != tt.want {
			t.Errorf("scale(%d, %d, %d) = %d, want %d", tt.d, tt.num, tt.den, got, tt.want)
		}
	}
}
