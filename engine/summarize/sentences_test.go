package summarize

import (
	"slices"
	"testing"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"empty", "en", "", nil},
		{"spaces only", "en", "  \n ", nil},
		{"no punctuation", "en", "so we talked about the plan", []string{"so we talked about the plan"}},
		{"three kinds", "en", "One. Two! Three? Four", []string{"One.", "Two!", "Three?", "Four"}},
		{"title", "en", "Mr. Smith met Dr. Jones. They talked.", []string{"Mr. Smith met Dr. Jones.", "They talked."}},
		{"inner dots", "en", "Use a tool, e.g. Go. It works in the U.S. and abroad.", []string{"Use a tool, e.g. Go.", "It works in the U.S. and abroad."}},
		{"initial", "en", "J. R. Smith spoke. Then we left.", []string{"J. R. Smith spoke.", "Then we left."}},
		{"lower case next", "en", "It costs approx. five euros. Fine.", []string{"It costs approx. five euros.", "Fine."}},
		{"decimal and domain", "en", "Pi is 3.14 today. See example.com now.", []string{"Pi is 3.14 today.", "See example.com now."}},
		{"runs and closers", "en", `He asked "why?!" Then (quietly) left... Later.`, []string{`He asked "why?!"`, "Then (quietly) left...", "Later."}},
		{"ellipsis char", "en", "Well… Maybe.", []string{"Well…", "Maybe."}},
		{"blank line", "en", "Agenda\n\nBudget review", []string{"Agenda", "Budget review"}},
		{"single newline", "en", "one line\nnext line", []string{"one line\nnext line"}},
		{"german ordinal", "de", "Wir treffen uns am 3. Mai in Berlin. Bis dann.", []string{"Wir treffen uns am 3. Mai in Berlin.", "Bis dann."}},
		{"english number", "en", "We hired 3. Then 4 more.", []string{"We hired 3.", "Then 4 more."}},
		{"german z.B.", "de", "Viele Städte, z.B. Köln. Und mehr.", []string{"Viele Städte, z.B. Köln.", "Und mehr."}},
		{"chinese", "zh", "今天开会。我们讨论预算！还有问题吗？没有", []string{"今天开会。", "我们讨论预算！", "还有问题吗？", "没有"}},
		{"japanese closer", "ja", "「はい。」と言った。次へ。", []string{"「はい。」", "と言った。", "次へ。"}},
		{"spanish inverted", "es", "¿Qué hora es? Son las tres.", []string{"¿Qué hora es?", "Son las tres."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitSentences(tt.text, tt.lang); !slices.Equal(got, tt.want) {
				t.Errorf("splitSentences(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
