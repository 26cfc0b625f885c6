package export

import (
	"iter"
	"math/bits"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// token is a piece of caption text that is never broken, except when it is
// too long for a line, with the time it is spoken.
type token struct {
	text  string
	runes int
	// glue joins the token to the one before it without a space: the next
	// character of a Chinese or Japanese run, or the rest of a cut word.
	glue       bool
	start, end time.Duration
	timed      bool // the time comes from a word
}

// tokenize splits text into tokens at white space and between Chinese and
// Japanese characters. Invalid UTF-8 becomes U+FFFD.
func tokenize(text string) []token {
	var toks []token
	for _, field := range strings.Fields(strings.ToValidUTF8(text, "\uFFFD")) {
		first := true
		for piece := range pieces(field) {
			toks = append(toks, token{text: piece, runes: utf8.RuneCountInString(piece), glue: !first})
			first = false
		}
	}
	return toks
}

// pieces yields the parts of a word between which a line may break: the
// whole word, unless it holds Chinese or Japanese characters.
func pieces(word string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start := 0
		var prev rune = -1
		for i, r := range word {
			if prev >= 0 && (isIdeographic(prev) || isIdeographic(r)) && !noBreakBefore(r) && !noBreakAfter(prev) {
				if !yield(word[start:i]) {
					return
				}
				start = i
			}
			prev = r
		}
		yield(word[start:])
	}
}

// isIdeographic reports whether r is written without spaces between words,
// so that a line may break before or after it.
func isIdeographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// noBreakBefore reports whether a line must not start with r: closing and
// other punctuation, and the Japanese prolonged sound mark.
func noBreakBefore(r rune) bool {
	return unicode.In(r, unicode.Pe, unicode.Pf, unicode.Po) || r == 'ー'
}

// noBreakAfter reports whether a line must not end with r: opening
// punctuation.
func noBreakAfter(r rune) bool {
	return unicode.In(r, unicode.Ps, unicode.Pi)
}

// timeTokens gives every token a start and end within [start, end]. Tokens
// covered by words take their words' times; the others share the time
// between their timed neighbours (or the segment's bounds) in proportion to
// their length. Times never decrease from one token to the next.
func timeTokens(toks []token, words []transcript.Word, start, end time.Duration) {
	start = clampTime(start)
	end = max(clampTime(end), start)
	alignWords(toks, words, start, end)
	for i := 0; i < len(toks); {
		if toks[i].timed {
			i++
			continue
		}
		j := i
		for j < len(toks) && !toks[j].timed {
			j++
		}
		lo, hi := start, end
		if i > 0 {
			lo = toks[i-1].end
		}
		if j < len(toks) {
			hi = toks[j].start
		}
		spread(toks[i:j], lo, max(hi, lo))
		i = j
	}
	for i := 1; i < len(toks); i++ {
		toks[i].start = max(toks[i].start, toks[i-1].start)
		toks[i].end = max(toks[i].end, toks[i].start, toks[i-1].end)
	}
}

// alignWords finds each word's text, white space ignored, in the tokens'
// text, in order, and marks the tokens it covers as timed with the word's
// time; a word covering several tokens shares its time among them by
// length. Words that are not found, such as special tokens, are skipped.
func alignWords(toks []token, words []transcript.Word, start, end time.Duration) {
	if len(words) == 0 || len(toks) == 0 {
		return
	}
	var b strings.Builder
	offsets := make([]int, len(toks)+1) // byte offset of each token in b
	for i, t := range toks {
		offsets[i] = b.Len()
		b.WriteString(t.text)
	}
	offsets[len(toks)] = b.Len()
	text := b.String()

	cursor, first := 0, 0 // first token that may still overlap the cursor
	for _, w := range words {
		wt := strings.Join(strings.Fields(strings.ToValidUTF8(w.Text, "\uFFFD")), "")
		if wt == "" {
			continue
		}
		at := strings.Index(text[cursor:], wt)
		if at < 0 {
			continue
		}
		lo, hi := cursor+at, cursor+at+len(wt)
		cursor = hi
		ws := min(max(clampTime(w.Start), start), end)
		we := min(max(clampTime(w.End), ws), end)
		total := utf8.RuneCountInString(wt)
		done := 0
		for first < len(toks) && offsets[first+1] <= lo {
			first++
		}
		for i := first; i < len(toks) && offsets[i] < hi; i++ {
			n := utf8.RuneCountInString(text[max(lo, offsets[i]):min(hi, offsets[i+1])])
			ts := ws + scale(we-ws, done, total)
			te := ws + scale(we-ws, done+n, total)
			done += n
			if !toks[i].timed {
				toks[i].start, toks[i].end, toks[i].timed = ts, te, true
				continue
			}
			toks[i].start = min(toks[i].start, ts)
			toks[i].end = max(toks[i].end, te)
		}
	}
}

// spread shares [lo, hi] among toks in proportion to their length.
func spread(toks []token, lo, hi time.Duration) {
	total := 0
	for _, t := range toks {
		total += t.runes
	}
	done := 0
	for i := range toks {
		toks[i].start = lo + scale(hi-lo, done, total)
		done += toks[i].runes
		toks[i].end = lo + scale(hi-lo, done, total)
	}
}

// scale returns d*num/den rounded down, for d >= 0 and 0 <= num <= den,
// without overflow. It returns 0 when den is 0.
func scale(d time.Duration, num, den int) time.Duration {
	if den <= 0 || num <= 0 || d <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), uint64(num))
	q, _ := bits.Div64(hi, lo, uint64(den))
	return time.Duration(q)
}

// cutLong cuts every token longer than n runes into pieces of n runes (the
// last may be shorter), glued together, sharing the token's time by length.
func cutLong(toks []token, n int) []token {
	long := false
	for _, t := range toks {
		long = long || t.runes > n
	}
	if !long {
		return toks
	}
	var out []token
	for _, t := range toks {
		if t.runes <= n {
			out = append(out, t)
			continue
		}
		rs := []rune(t.text)
		for i := 0; i < len(rs); i += n {
			j := min(i+n, len(rs))
			out = append(out, token{
				text:  string(rs[i:j]),
				runes: j - i,
				glue:  t.glue || i > 0,
				start: t.start + scale(t.end-t.start, i, len(rs)),
				end:   t.start + scale(t.end-t.start, j, len(rs)),
				timed: t.timed,
			})
		}
	}
	return out
}

// endsClause reports how strongly t ends a unit of text: 2 after a sentence,
// 1 after a clause, 0 otherwise.
func endsClause(t token) int {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(t.text, "\"'”’»)]」』）"))
	switch r {
	case '.', '!', '?', '…', '。', '！', '？':
		return 2
	case ',', ';', ':', '、', '，', '；', '：', '—':
		return 1
	}
	return 0
}
