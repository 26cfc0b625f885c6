package summarize

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// Sentence rebuilding for transcripts without punctuation, as greedy
// decoding of long audio often gives: whisper's segments end wherever its
// 30-second windows did, so taken as sentences they are fragments ("and
// Codec this message and presumably you're using some sort of software").
// Speakers pause between sentences far more than between words, so the
// words are regrouped at pauses instead.
const (
	// sentencePause is the gap between two words (or two segments) that
	// ends a rebuilt sentence.
	sentencePause = 450 * time.Millisecond
	// minSentenceWords is the fewest words a rebuilt sentence has before a
	// pause may end it; a shorter run is a hesitation.
	minSentenceWords = 5
	// maxSentenceWords is the most words of a rebuilt sentence: a longer run
	// without a pause is cut at its longest gap.
	maxSentenceWords = 40
)

// noEnd are English words a sentence does not end on: a pause after them
// is a hesitation ("we went to the ... station").
var noEnd = setOf(`a an the and or but so because of to in on at for with from by
	my your our their his her its is are was were be been that which who if than as`)

// spoken is one word of a transcript with the gap before the next word.
type spoken struct {
	text string        // with its leading space, as whisper gives it
	gap  time.Duration // silence until the next word; large after the last
	// whole marks a segment without word timings, standing for its words:
	// with no timings inside it, its ends are the only boundaries known,
	// so it is a sentence of its own.
	whole bool
}

// rebuildSentences regroups the words of t into sentences at pauses and
// ends each with a full stop, first letter capitalized. A segment without
// word timings is a sentence of its own. It returns nil when t has no
// words.
func rebuildSentences(t *transcript.Transcript) []string {
	words := spokenWords(t)
	if len(words) == 0 {
		return nil
	}
	english := t.Language == "" || t.Language == "en"
	var (
		out   []string
		start int
	)
	emit := func(end int) {
		if s := finishSentence(words[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i, w := range words {
		if w.whole {
			emit(i)
			emit(i + 1)
			continue
		}
		n := i + 1 - start
		last := strings.ToLower(strings.TrimFunc(w.text, func(r rune) bool { return !unicode.IsLetter(r) }))
		switch {
		case w.gap >= sentencePause && n >= minSentenceWords && !(english && noEnd[last]):
			emit(i + 1)
		case n >= maxSentenceWords:
			// Cut at the longest gap of the run's second half.
			run := words[start : i+1]
			cut := start + len(run)/2
			for j := cut; j <= i; j++ {
				if words[j].gap > words[cut].gap {
					cut = j
				}
			}
			emit(cut + 1)
		}
	}
	emit(len(words))
	return out
}

// spokenWords flattens t into words with the silence after each.
func spokenWords(t *transcript.Transcript) []spoken {
	type timed struct {
		text       string
		start, end time.Duration
		whole      bool
	}
	var ws []timed
	for _, s := range t.Segments {
		if len(s.Words) == 0 {
			if strings.TrimSpace(s.Text) != "" {
				ws = append(ws, timed{" " + strings.TrimSpace(s.Text), s.Start, s.End, true})
			}
			continue
		}
		for _, w := range s.Words {
			if strings.TrimSpace(w.Text) != "" {
				ws = append(ws, timed{w.Text, w.Start, w.End, false})
			}
		}
	}
	out := make([]spoken, len(ws))
	for i, w := range ws {
		out[i] = spoken{text: w.text, gap: time.Hour, whole: w.whole}
		if i+1 < len(ws) {
			out[i].gap = max(0, ws[i+1].start-w.end)
		}
	}
	return out
}

// finishSentence joins words into a sentence: trimmed, the first letter
// capitalized, and a full stop added unless it ends in a stop already.
func finishSentence(words []spoken) string {
	var b strings.Builder
	for _, w := range words {
		text := w.text
		if b.Len() > 0 && !strings.HasPrefix(text, " ") && !startsWithPunct(text) {
			b.WriteByte(' ')
		}
		b.WriteString(text)
	}
	s := strings.TrimSpace(b.String())
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	last, _ := utf8.DecodeLastRuneInString(s)
	if !isStop(last) && !isCJKStop(last) {
		s = strings.TrimRightFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ':' }) + "."
	}
	return s
}

// startsWithPunct reports whether text starts with punctuation that joins
// the word before without a space, as whisper's separate "," tokens do.
func startsWithPunct(text string) bool {
	r, _ := utf8.DecodeRuneInString(text)
	return slices.Contains([]rune(".,!?;:…'’"), r)
}
