package summarize

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// languageNames names the languages the prompt is likeliest to need; other
// codes are passed to the model as they are.
var languageNames = map[string]string{
	"ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
	"en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French", "hi": "Hindi",
	"hu": "Hungarian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch",
	"no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
	"sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}

// chatMessage is one message of an OpenAI chat completion request.
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatRequest is the body of POST /chat/completions.
type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature float64       `json:"temperature"`
	Stream      bool          `json:"stream"`
}

// systemPrompt returns the instructions for a summary of type typ of a
// transcript in language lang.
func systemPrompt(lang, typ string) string {
	in := "the same language as the transcript"
	if name, ok := languageNames[baseLanguage(lang)]; ok {
		in = name + ", the language of the transcript"
	} else if lang != "" {
		in = fmt.Sprintf("the language of the transcript (ISO 639-1 code %q)", lang)
	}
	form := fmt.Sprintf(`Answer with at most %d bullet points, one per line, each starting with "- ", and nothing else.`, maxBullets)
	if typ == transcript.SummaryParagraph {
		form = fmt.Sprintf("Answer with one paragraph of at most %d sentences, and nothing else.", maxBullets)
	}
	return "You summarize transcripts of recorded speech. Write a faithful summary of the transcript the user sends: " +
		"keep to what the speakers say, add nothing, and keep names and numbers exact. " +
		"Write the summary in " + in + ". " + form
}

// requestBody returns the chat completion request for a summary of text,
// cut to maxChars runes, and whether it was cut.
func requestBody(model, lang, typ, text string, maxChars int) ([]byte, bool, error) {
	text, cut := truncate(text, maxChars)
	user := "Transcript:\n\n" + text
	if cut {
		user += "\n\n[The transcript is cut off here.]"
	}
	body, err := json.Marshal(chatRequest{
		Model: model,
		Messages: []chatMessage{
			{Role: "system", Content: systemPrompt(lang, typ)},
			{Role: "user", Content: user},
		},
	})
	return body, cut, err
}

// truncate cuts s to at most maxChars runes, at the last white space in
// the final tenth when there is one, and reports whether it cut.
func truncate(s string, maxChars int) (string, bool) {
	rs := []rune(s)
	if len(rs) <= maxChars {
		return s, false
	}
	cut := maxChars
	for i := maxChars; i >= maxChars-maxChars/10 && i > 0; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(rs[:cut])), true
}
