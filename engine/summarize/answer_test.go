package summarize

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestParseAnswerBullets(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string
	}{
		{"dashes", "- One\n- Two", []string{"One", "Two"}},
		{"mixed markers", "* One\n• Two\n– Three\n1. Four\n2) Five", []string{"One", "Two", "Three", "Four", "Five"}},
		{"parenthesised numbers", "(1) One\n(2) Two", []string{"One", "Two"}},
		{"blank lines and spaces", "\n  - One  \n\n\n  - Two\n", []string{"One", "Two"}},
		{"preamble dropped", "Here is the summary:\n- One\n- Two", []string{"One", "Two"}},
		{"bold line", "- **Budget approved**", []string{"Budget approved"}},
		{"number is not a marker", "3.5 million users signed up", []string{"3.5 million users signed up"}},
		{"year is not a marker", "2024. A good year", []string{"2024. A good year"}},
		{"no markers", "Just one paragraph.", []string{"Just one paragraph."}},
		{"capped at five", "- 1\n- 2\n- 3\n- 4\n- 5\n- 6\n- 7", []string{"1", "2", "3", "4", "5"}},
		{"thinking dropped", "<think>\nthe user wants bullets\n</think>\n- One", []string{"One"}},
		{"emphasis marker kept", "- **Budget:** approved", []string{"**Budget:** approved"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAnswer(tt.content, transcript.SummaryBullets)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Bullets, tt.want) || got.Text != strings.Join(tt.want, "\n") || got.Method != MethodLLM {
				t.Errorf("got %+v, want bullets %q", *got, tt.want)
			}
		})
	}
}

func TestParseAnswerParagraph(t *testing.T) {
	got, err := parseAnswer("The team met.\nThey agreed on a plan.\n", transcript.SummaryParagraph)
	if err != nil {
		t.Fatal(err)
	}
	if want := "The team met. They agreed on a plan."; got.Text != want || got.Bullets != nil || got.Type != transcript.SummaryParagraph {
		t.Errorf("got %+v, want Text %q and no bullets", *got, want)
	}
}

func TestParseAnswerEmpty(t *testing.T) {
	for _, content := range []string{"", " \n ", "-\n*\n", "<think>only thoughts</think>", "<think>unfinished"} {
		if _, err := parseAnswer(content, transcript.SummaryBullets); !errors.Is(err, errEmptyAnswer) {
			t.Errorf("parseAnswer(%q) error = %v, want errEmptyAnswer", content, err)
		}
	}
}

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name, body, want string
		err              error
	}{
		{"ok", `{"choices":[{"message":{"role":"assistant","content":"- A"}}]}`, "- A", nil},
		{"empty content", `{"choices":[{"message":{"content":""}}]}`, "", nil},
		{"no choices", `{"choices":[]}`, "", errInvalidAnswer},
		{"no content", `{"choices":[{"message":{}}]}`, "", errInvalidAnswer},
		{"garbage", `<html>oops</html>`, "", errInvalidAnswer},
		{"wrong shape", `{"choices":"x"}`, "", errInvalidAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseResponse([]byte(tt.body))
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("parseResponse = %q, %v, want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
		cut      bool
	}{
		{"short", "hello world", 20, "hello world", false},
		{"exact", "hello", 5, "hello", false},
		{"at a space", "one two three four five six seven eight nine ten", 20, "one two three four", true},
		{"no space near", strings.Repeat("x", 30), 20, strings.Repeat("x", 20), true},
		{"runes not bytes", "ääääääääää", 5, "ääääää"[:10], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := truncate(tt.in, tt.max)
			if got != tt.want || cut != tt.cut {
				t.Errorf("truncate(%q, %d) = %q, %v, want %q, %v", tt.in, tt.max, got, cut, tt.want, tt.cut)
			}
		})
	}
}

func TestSystemPrompt(t *testing.T) {
	tests := []struct {
		lang, typ string
		want      []string
	}{
		{"de", transcript.SummaryBullets, []string{"German", "at most 5 bullet points", "faithful"}},
		{"", transcript.SummaryParagraph, []string{"the same language as the transcript", "one paragraph"}},
		{"eu", transcript.SummaryBullets, []string{`ISO 639-1 code "eu"`}},
	}
	for _, tt := range tests {
		got := systemPrompt(tt.lang, tt.typ)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("systemPrompt(%q, %q) = %q, want it to contain %q", tt.lang, tt.typ, got, w)
			}
		}
	}
}
