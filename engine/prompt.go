//go:build whisper

package engine

/*
#include <stdlib.h>
#include <whisper.h>
*/
import "C"

import (
	"strings"
	"unsafe"
)

// promptBudget is how many prompt tokens whisper reads: it keeps the last
// n_text_ctx/2 - 1 tokens of the prompt (223 for every released model) and
// silently drops the ones before.
func (m *Model) promptBudget() int {
	return int(C.whisper_n_text_ctx(m.ctx))/2 - 1
}

// tokens counts the tokens of text in the model's vocabulary.
func (m *Model) tokens(text string) int {
	if text == "" {
		return 0
	}
	ct := C.CString(text)
	defer C.free(unsafe.Pointer(ct))
	// A token is at least one byte, so len(text) tokens always suffice.
	buf := make([]C.whisper_token, len(text)+1)
	n := C.whisper_tokenize(m.ctx, ct, &buf[0], C.int(len(buf)))
	if n < 0 {
		return int(-n)
	}
	return int(n)
}

// fitPrompt builds whisper's initial prompt from vocabulary and prompt:
// the terms joined by ", " and closed by ".", then the prompt, within the
// model's token budget. The trimming is deterministic: terms are kept in
// order while they fit, and a later term that does not fit is dropped with
// all that follow; the prompt then gets what is left, losing whole words
// from its start (whisper itself would keep the end, which is the text
// nearest the audio). Without vocabulary the prompt is only trimmed.
func (m *Model) fitPrompt(prompt string, vocabulary []string) string {
	return fitPrompt(prompt, vocabulary, m.promptBudget(), m.tokens)
}

// fitPrompt is Model.fitPrompt with the budget and the token counter given.
func fitPrompt(prompt string, vocabulary []string, budget int, tokens func(string) int) string {
	prompt = strings.TrimSpace(prompt)
	var terms string
	for _, t := range vocabulary {
		next := t
		if terms != "" {
			next = terms + ", " + t
		}
		if tokens(next+".") > budget {
			break
		}
		terms = next
	}
	if terms != "" {
		terms += "."
	}
	join := func(p string) string {
		switch {
		case terms == "":
			return p
		case p == "":
			return terms
		}
		return terms + " " + p
	}
	words := strings.Fields(prompt)
	for len(words) > 0 {
		text := join(strings.Join(words, " "))
		if tokens(text) <= budget {
			return text
		}
		// Drop about the share of words that is over, at least one.
		over := tokens(text) - budget
		words = words[min(len(words), max(1, over/2)):]
	}
	return terms
}
