package summarize

import (
	"strings"
	"unicode"
)

// isCJK reports whether r is a Chinese or Japanese character, text that is
// written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		r == 'ー' || r == '々'
}

// tokenize returns the terms of a sentence: lower-cased runs of Unicode
// letters, digits and marks, without stop words and one-rune words, and
// character bigrams of Chinese and Japanese runs (a lone character is kept
// as it is). Apostrophes separate words: "don't" is "don" and "t".
func tokenize(s string, stop map[string]bool) []string {
	var toks []string
	var word, cjk []rune
	flushWord := func() {
		if w := string(word); len(word) > 1 && !stop[w] {
			toks = append(toks, w)
		}
		word = word[:0]
	}
	flushCJK := func() {
		if len(cjk) == 1 {
			toks = append(toks, string(cjk))
		}
		for i := 0; i+1 < len(cjk); i++ {
			toks = append(toks, string(cjk[i:i+2]))
		}
		cjk = cjk[:0]
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case isCJK(r):
			flushWord()
			cjk = append(cjk, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			flushCJK()
			word = append(word, r)
		default:
			flushWord()
			flushCJK()
		}
	}
	flushWord()
	flushCJK()
	return toks
}

// textWeight measures the length of a text in words, counting two Chinese
// or Japanese characters as one word.
func textWeight(s string) int {
	words, cjk := 0, 0
	inWord := false
	for _, r := range s {
		switch {
		case isCJK(r):
			cjk++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if !inWord {
				words++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return words + cjk/2
}
