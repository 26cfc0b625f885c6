package summarize

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// Method values of transcript.Summary.
const (
	MethodExtractive = "extractive"
	MethodLLM        = "llm"
)

// Extractive summary sizes.
const (
	// maxBullets caps the sentences of any summary, and the bullets of an
	// LLM summary.
	maxBullets = 5
	// sentencesPerPick is how many sentences of the text yield one summary
	// sentence: a summary is about 20 % of the text.
	sentencesPerPick = 5
	// minTerms is the fewest terms a sentence needs to be picked, so that
	// "Okay, the budget." does not win on one shared word; it is waived when
	// too few sentences have that many.
	minTerms = 3
	// maxOverlap is the cosine similarity at which a sentence counts as a
	// repeat of one already picked.
	maxOverlap = 0.9
	// maxWordsPerSentence is the average sentence length, in words, above
	// which a text is taken to lack punctuation.
	maxWordsPerSentence = 40
)

// Extractive returns a summary made of the most central sentences of text,
// in their original order; see the package documentation for how they are
// chosen. language is an ISO 639-1 code, used for stop words and
// abbreviations; "" means unknown. typ is transcript.SummaryParagraph or,
// for any other value, transcript.SummaryBullets. A text that has too few
// sentence ends is split at blank lines or line breaks instead, when it
// has them. Empty text gives a summary with empty Text and no Bullets.
func Extractive(text, language, typ string) *transcript.Summary {
	units := splitSentences(text, language)
	if lacksPunctuation(units) {
		if lines := nonEmpty(strings.Split(text, "\n")); len(lines) > len(units) {
			units = lines
		}
	}
	return extract(units, language, typ)
}

// ExtractiveTranscript is Extractive on the transcript's text, or on its
// segments' texts when Text is empty. When the text has too few sentence
// ends, as whisper output without punctuation does, sentences are rebuilt
// from the words' timings instead: a pause ends one (see
// rebuildSentences), and whisper's segment boundaries, which fall where
// its windows did, do not. A nil transcript gives an empty summary.
func ExtractiveTranscript(t *transcript.Transcript, typ string) *transcript.Summary {
	if t == nil {
		return extract(nil, "", typ)
	}
	units := splitSentences(fullText(t), t.Language)
	if lacksPunctuation(units) {
		if rebuilt := rebuildSentences(t); len(rebuilt) > len(units) {
			units = rebuilt
		}
	}
	return extract(units, t.Language, typ)
}

// segmentTexts returns the trimmed, non-empty texts of t's segments.
func segmentTexts(t *transcript.Transcript) []string {
	texts := make([]string, 0, len(t.Segments))
	for _, s := range t.Segments {
		texts = append(texts, s.Text)
	}
	return nonEmpty(texts)
}

// nonEmpty returns the trimmed, non-empty strings of ss.
func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// lacksPunctuation reports whether the sentences are, on average, longer
// than maxWordsPerSentence words: the text was not split, or barely.
func lacksPunctuation(sentences []string) bool {
	if len(sentences) == 0 {
		return false
	}
	words := 0
	for _, s := range sentences {
		words += textWeight(s)
	}
	return words > maxWordsPerSentence*len(sentences)
}

// extract picks the summary sentences of units and builds the summary.
func extract(units []string, language, typ string) *transcript.Summary {
	if typ != transcript.SummaryParagraph {
		typ = transcript.SummaryBullets
	}
	picked := units
	if len(units) > 2 {
		picked = pick(units, language, pickCount(len(units)))
	} else if len(units) > 0 {
		picked = []string{joinSentences(units)}
	}
	sum := &transcript.Summary{Type: typ, Method: MethodExtractive}
	if len(picked) == 0 {
		return sum
	}
	if typ == transcript.SummaryBullets {
		sum.Bullets = picked
		sum.Text = strings.Join(picked, "\n")
	} else {
		sum.Text = joinSentences(picked)
	}
	return sum
}

// pickCount returns how many of n sentences a summary keeps: a fifth of
// them, at least one and at most maxBullets.
func pickCount(n int) int {
	return max(1, min(maxBullets, n/sentencesPerPick))
}

// pick returns up to k of the highest-ranked sentences in their original
// order, skipping a sentence that repeats one already picked (the same
// text, or cosine similarity of at least maxOverlap), as whisper's
// repetition loops do. Scores equal to nine decimal places are ordered by
// position, so the choice is the same on every run and on every machine.
func pick(units []string, language string, k int) []string {
	stop := stopWordsFor(language)
	docs := make([][]string, len(units))
	for i, u := range units {
		docs[i] = tokenize(u, stop)
	}
	vecs := tfidf(docs)
	score := scores(vecs)
	order := make([]int, 0, len(units))
	for i := range units {
		if len(docs[i]) >= minTerms {
			order = append(order, i)
		}
	}
	if len(order) < k {
		order = order[:0]
		for i := range units {
			order = append(order, i)
		}
	}
	key := func(i int) float64 { return math.Round(score[i] * 1e9) }
	slices.SortFunc(order, func(a, b int) int {
		if ka, kb := key(a), key(b); ka != kb {
			if ka > kb {
				return -1
			}
			return 1
		}
		return a - b
	})
	var picked []int
	for _, i := range order {
		if len(picked) == k {
			break
		}
		if !slices.ContainsFunc(picked, func(j int) bool {
			return units[i] == units[j] || cosine(vecs[i], vecs[j]) >= maxOverlap
		}) {
			picked = append(picked, i)
		}
	}
	slices.Sort(picked)
	out := make([]string, len(picked))
	for i, idx := range picked {
		out[i] = units[idx]
	}
	return out
}

// joinSentences joins sentences with a space, or with nothing between
// Chinese or Japanese sentences.
func joinSentences(ss []string) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			last, _ := utf8.DecodeLastRuneInString(ss[i-1])
			first, _ := utf8.DecodeRuneInString(s)
			if !(cjkText(last) && cjkText(first)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// cjkText reports whether r is a Chinese or Japanese character or
// punctuation mark.
func cjkText(r rune) bool {
	return isCJK(r) || isCJKStop(r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		(isCloser(r) && r > unicode.MaxLatin1)
}
