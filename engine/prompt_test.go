//go:build whisper

package engine

import (
	"os"
	"strings"
	"testing"
)

// TestFitPrompt trims the vocabulary and prompt to the budget with a
// counter of one token a word, the same way every time.
func TestFitPrompt(t *testing.T) {
	words := func(s string) int { return len(strings.Fields(s)) }
	long := strings.TrimSpace(strings.Repeat("w ", 30) + "end of the prompt")
	tests := []struct {
		name   string
		prompt string
		vocab  []string
		budget int
		want   string
	}{
		{"prompt only", "  a short prompt ", nil, 10, "a short prompt"},
		{"vocabulary only", "", []string{"Ana Ruiz", "Kubernetes"}, 10, "Ana Ruiz, Kubernetes."},
		{"both", "Meeting notes.", []string{"Xiaomi"}, 10, "Xiaomi. Meeting notes."},
		{"prompt loses its start", long, []string{"Ana"}, 6, "Ana. w end of the prompt"},
		{"terms past the budget dropped", "hello", []string{"one", "two", "three four", "five"}, 3, "one, two. hello"},
		{"nothing fits", "", []string{"a b c d"}, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitPrompt(tt.prompt, tt.vocab, tt.budget, words)
			if got != tt.want {
				t.Errorf("fitPrompt = %q, want %q", got, tt.want)
			}
			if words(got) > tt.budget {
				t.Errorf("fitPrompt = %d tokens, over the budget %d", words(got), tt.budget)
			}
		})
	}
}

// TestModelPromptBudget checks the real tokenizer and budget: a long
// vocabulary is cut to whisper's 223 tokens.
func TestModelPromptBudget(t *testing.T) {
	m := loadTestModel(t)
	if got := m.promptBudget(); got != 223 {
		t.Errorf("promptBudget = %d, want 223 (n_text_ctx 448 / 2 - 1)", got)
	}
	if n := m.tokens(" hello world"); n < 2 || n > 3 {
		t.Errorf("tokens(hello world) = %d", n)
	}
	var vocab []string
	for i := range 300 {
		vocab = append(vocab, "Term"+strings.Repeat("x", i%5)+string(rune('A'+i%26)))
	}
	got := m.fitPrompt("the prompt text", vocab)
	if n := m.tokens(got); n > 223 || n < 150 {
		t.Errorf("fitted prompt has %d tokens, want at most 223 and most of them used", n)
	}
	if !strings.HasPrefix(got, vocab[0]+", "+vocab[1]) {
		t.Errorf("fitted prompt starts %q, want the first terms", got[:40])
	}
}

// loadTestModel loads the real model for this package's internal tests.
func loadTestModel(t *testing.T) *Model {
	t.Helper()
	path := os.Getenv("INSTANTTRANSCRIBER_TEST_MODEL")
	if path == "" {
		path = "../models/ggml-tiny-q8_0.bin"
	}
	m, err := Load(Config{ModelPath: path}, nil)
	if err != nil {
		t.Fatalf("load model: %v (run make model)", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}
