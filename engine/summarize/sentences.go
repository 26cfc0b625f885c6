package summarize

import (
	"strings"
	"unicode"
)

// titles are abbreviations that precede a name, so a full stop after them
// never ends a sentence: "Mr. Smith", "Dr. Müller", "Sra. García".
var titles = setOf(`mr mrs ms messrs dr prof st mt sr sra srta jr hr fr mme mlle
	gen col capt lt sgt rev hon gov sen rep pres vs`)

// isCJKStop reports whether r ends a sentence in Chinese or Japanese text,
// where no space follows the full stop.
func isCJKStop(r rune) bool {
	switch r {
	case '。', '！', '？', '｡', '．':
		return true
	}
	return false
}

// isStop reports whether r ends a sentence in text that separates
// sentences with spaces.
func isStop(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '؟', '।':
		return true
	}
	return false
}

// isCloser reports whether r is a closing quote or bracket, which stays
// with the sentence it follows.
func isCloser(r rune) bool {
	return strings.ContainsRune("\"')]}”’»」』）】", r)
}

// isOpener reports whether r is an opening quote or bracket.
func isOpener(r rune) bool {
	return strings.ContainsRune("\"'([{“‘«「『（【", r)
}

// splitSentences splits text into trimmed, non-empty sentences. A sentence
// ends at ".", "!", "?" or "…" followed by white space, at a CJK full stop,
// or at a blank line; closing quotes and brackets stay with it. A full stop
// does not end a sentence after a title ("Mr."), a single letter ("J."), a
// word with inner dots ("e.g.", "U.S.", "z.B."), a number in German ("am
// 3. Mai"), or when the next word starts with a lower-case letter.
func splitSentences(text, lang string) []string {
	rs := []rune(text)
	var out []string
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(string(rs[start:end])); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\n' && blankLineAfter(rs, i):
			emit(i)
		case isCJKStop(r):
			emit(skipClosers(rs, skipRun(rs, i, isCJKStop)))
			i = start - 1
		case isStop(r):
			run := skipRun(rs, i, isStop)
			end := skipClosers(rs, run)
			lone := r == '.' && run == i+1
			switch {
			case end < len(rs) && !unicode.IsSpace(rs[end]):
				// Not followed by a space: "3.14", "example.com", "U.S".
			case lone && isAbbreviation(wordBefore(rs, i), lang):
				// "Mr. Smith", "e.g. Go".
			case nextStartsLower(rs, end):
				// "approx. five", "Wait... what".
			default:
				emit(end)
			}
			i = end - 1
		}
	}
	emit(len(rs))
	return out
}

// skipRun returns the index after the run of runes matching f that starts
// at i.
func skipRun(rs []rune, i int, f func(rune) bool) int {
	for i < len(rs) && f(rs[i]) {
		i++
	}
	return i
}

// skipClosers returns the index after the closing quotes and brackets at i.
func skipClosers(rs []rune, i int) int {
	return skipRun(rs, i, isCloser)
}

// blankLineAfter reports whether the newline at i is followed by another
// one with only spaces between.
func blankLineAfter(rs []rune, i int) bool {
	for j := i + 1; j < len(rs); j++ {
		switch {
		case rs[j] == '\n':
			return true
		case !unicode.IsSpace(rs[j]):
			return false
		}
	}
	return false
}

// wordBefore returns the word that ends just before index i, without
// leading quotes or brackets.
func wordBefore(rs []rune, i int) string {
	j := i
	for j > 0 && !unicode.IsSpace(rs[j-1]) {
		j--
	}
	for j < i && isOpener(rs[j]) {
		j++
	}
	return string(rs[j:i])
}

// isAbbreviation reports whether a full stop after word is part of an
// abbreviation rather than the end of a sentence.
func isAbbreviation(word, lang string) bool {
	rs := []rune(word)
	switch {
	case len(rs) == 0:
		return false
	case len(rs) == 1 && unicode.IsLetter(rs[0]):
		return true // an initial: "J. Smith"
	case strings.Contains(word, "."):
		return true // "e.g", "U.S", "a.m", "z.B"
	case titles[strings.ToLower(word)]:
		return true
	case baseLanguage(lang) == "de" && isDigits(rs):
		return true // an ordinal: "am 3. Mai"
	}
	return false
}

// isDigits reports whether rs is all decimal digits.
func isDigits(rs []rune) bool {
	for _, r := range rs {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// nextStartsLower reports whether the first letter after index i, past
// white space and opening quotes, is lower case.
func nextStartsLower(rs []rune, i int) bool {
	for i < len(rs) && (unicode.IsSpace(rs[i]) || isOpener(rs[i])) {
		i++
	}
	return i < len(rs) && unicode.IsLower(rs[i])
}
