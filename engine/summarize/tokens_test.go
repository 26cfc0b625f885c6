package summarize

import (
	"slices"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"stop words and case", "en", "The Budget is APPROVED, and we're done.", []string{"budget", "approved", "done"}},
		{"apostrophe", "en", "Don't touch Anna's laptop", []string{"touch", "anna", "laptop"}},
		{"digits kept", "en", "Room 42 in 2024", []string{"room", "42", "2024"}},
		{"unicode letters", "de", "Die Größe der Äpfel", []string{"größe", "äpfel"}},
		{"no list", "it", "il bilancio è pronto", []string{"il", "bilancio", "pronto"}},
		{"chinese bigrams", "zh", "预算会议", []string{"预算", "算会", "会议"}},
		{"lone cjk char", "zh", "好。", []string{"好"}},
		{"mixed scripts", "ja", "AIモデルを", []string{"ai", "モデ", "デル", "ルを"}},
		{"empty", "en", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tokenize(tt.text, stopWordsFor(tt.lang)); !slices.Equal(got, tt.want) {
				t.Errorf("tokenize(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestStopWordsFor(t *testing.T) {
	tests := []struct {
		lang, word string
		want       bool
	}{
		{"", "the", true},
		{"en-US", "the", true},
		{"DE", "und", true},
		{"fr", "avec", true},
		{"es_MX", "pero", true},
		{"de", "the", false},
		{"it", "the", false},
	}
	for _, tt := range tests {
		if got := stopWordsFor(tt.lang)[tt.word]; got != tt.want {
			t.Errorf("stopWordsFor(%q)[%q] = %v, want %v", tt.lang, tt.word, got, tt.want)
		}
	}
}
