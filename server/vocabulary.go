package server

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the decoder prompt fields of a create request. Whisper itself
// reads at most 223 tokens of prompt; the engine trims to that (see
// engine.Options.Vocabulary), these bound what is stored.
const (
	maxPromptRunes       = 1000
	maxVocabularyTerms   = 100
	maxVocabularyTermLen = 64
)

// addVocabulary adds one multipart vocabulary field: a term, or a JSON
// array of terms.
func (r *createRequest) addVocabulary(v string) error {
	if t := strings.TrimSpace(v); strings.HasPrefix(t, "[") {
		var terms []string
		if err := json.Unmarshal([]byte(t), &terms); err != nil {
			return apiErr(CodeInvalidRequest, "vocabulary: a field starting with [ must be a JSON array of strings")
		}
		r.Vocabulary = append(r.Vocabulary, terms...)
		return nil
	}
	r.Vocabulary = append(r.Vocabulary, v)
	return nil
}

// validatePrompt checks and normalizes prompt and vocabulary: the prompt
// is trimmed, at most 1000 characters, without control characters other
// than newlines and tabs; each term is trimmed, 1-64 characters, with no
// control characters or commas (terms are joined by commas), and repeated
// terms (ignoring case) are dropped after their first use; at most 100
// terms are sent.
func (r *createRequest) validatePrompt() error {
	r.Prompt = strings.TrimSpace(r.Prompt)
	if utf8.RuneCountInString(r.Prompt) > maxPromptRunes {
		return apiErr(CodeInvalidRequest, "prompt is longer than %d characters", maxPromptRunes)
	}
	if !utf8.ValidString(r.Prompt) || strings.IndexFunc(r.Prompt, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\t' }) >= 0 {
		return apiErr(CodeInvalidRequest, "prompt must be UTF-8 text without control characters")
	}
	if len(r.Vocabulary) == 0 {
		r.Vocabulary = nil
		return nil
	}
	if len(r.Vocabulary) > maxVocabularyTerms {
		return apiErr(CodeInvalidRequest, "vocabulary has %d terms; at most %d", len(r.Vocabulary), maxVocabularyTerms)
	}
	seen := make(map[string]bool, len(r.Vocabulary))
	terms := make([]string, 0, len(r.Vocabulary))
	for i, t := range r.Vocabulary {
		t = strings.TrimSpace(t)
		if n := utf8.RuneCountInString(t); n < 1 || n > maxVocabularyTermLen {
			return apiErr(CodeInvalidRequest, "vocabulary[%d]: a term is 1 to %d characters", i, maxVocabularyTermLen)
		}
		if !utf8.ValidString(t) || strings.IndexFunc(t, unicode.IsControl) >= 0 || strings.ContainsRune(t, ',') {
			return apiErr(CodeInvalidRequest, "vocabulary[%d]: a term holds no commas or control characters", i)
		}
		if k := strings.ToLower(t); !seen[k] {
			seen[k] = true
			terms = append(terms, t)
		}
	}
	r.Vocabulary = terms
	return nil
}
