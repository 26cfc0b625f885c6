package summarize

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// Reasons an LLM answer is unusable.
var (
	errInvalidAnswer = errors.New("invalid response")
	errEmptyAnswer   = errors.New("empty response")
)

// chatResponse is the part of a chat completion response that is read.
type chatResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
}

// parseResponse returns choices[0].message.content of a chat completion
// response body.
func parseResponse(body []byte) (string, error) {
	var r chatResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return "", errInvalidAnswer
	}
	if len(r.Choices) == 0 || r.Choices[0].Message.Content == nil {
		return "", errInvalidAnswer
	}
	return *r.Choices[0].Message.Content, nil
}

// parseAnswer turns the model's answer into a summary of type typ: for
// bullets, one per non-empty line, at most maxBullets, with list markers
// removed; for a paragraph, the lines joined with spaces. A leading
// "<think>" block, which reasoning models emit, is dropped, and so is a
// first line such as "Here is the summary:".
func parseAnswer(content, typ string) (*transcript.Summary, error) {
	content = dropThinking(content)
	var lines []string
	for l := range strings.SplitSeq(content, "\n") {
		if l = stripMarker(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 1 && strings.HasSuffix(lines[0], ":") {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		return nil, errEmptyAnswer
	}
	sum := &transcript.Summary{Type: typ, Method: MethodLLM}
	if typ == transcript.SummaryParagraph {
		sum.Text = joinSentences(lines)
		return sum, nil
	}
	sum.Bullets = lines[:min(len(lines), maxBullets)]
	sum.Text = strings.Join(sum.Bullets, "\n")
	return sum, nil
}

// dropThinking removes a leading "<think>...</think>" block.
func dropThinking(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<think>") {
		return s
	}
	if _, after, ok := strings.Cut(t, "</think>"); ok {
		return after
	}
	return ""
}

// stripMarker trims a line and removes a leading list marker: "-", "*",
// "•", "–", "·", "1.", "1)" or "(1)", and the bold markers "**" around the
// whole line.
func stripMarker(l string) string {
	l = strings.TrimSpace(l)
	for _, m := range []string{"-", "*", "•", "–", "—", "·"} {
		if rest, ok := strings.CutPrefix(l, m); ok && !strings.HasPrefix(rest, m) {
			l = strings.TrimSpace(rest)
			break
		}
	}
	l = stripNumber(l)
	if len(l) > 4 && strings.HasPrefix(l, "**") && strings.HasSuffix(l, "**") {
		l = strings.TrimSpace(l[2 : len(l)-2])
	}
	return l
}

// stripNumber removes a leading "1.", "1)" or "(1)" followed by a space.
func stripNumber(l string) string {
	rest := strings.TrimPrefix(l, "(")
	i := 0
	for i < len(rest) && i < 3 && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i == len(rest) || (rest[i] != '.' && rest[i] != ')') {
		return l
	}
	if rest[i] == '.' && len(rest) == len(l)-1 {
		return l // "(1." is not a marker
	}
	after := rest[i+1:]
	if after == "" || !unicode.IsSpace(rune(after[0])) {
		return l // "3.5 million" is not a marker
	}
	return strings.TrimSpace(after)
}
