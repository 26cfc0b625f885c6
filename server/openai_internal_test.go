package server

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
)

func TestLanguageNamesCoverWhisper(t *testing.T) {
	for code := range whisperLanguages {
		if languageNames[code] == "" {
			t.Errorf("language %q has no name", code)
		}
	}
	if got := languageName("en"); got != "english" {
		t.Errorf("languageName(en) = %q; want english", got)
	}
}

func TestOpenAIRequestValidate(t *testing.T) {
	models := []string{"ggml-tiny-q8_0", whisperAlias}
	tests := []struct {
		name      string
		fields    [][2]string
		wantParam string // "" for valid
		want      openAIRequest
	}{
		{"defaults", [][2]string{{"model", "whisper-1"}}, "", openAIRequest{Model: "whisper-1", ResponseFormat: "json", Segments: true}},
		{"model id", [][2]string{{"model", "ggml-tiny-q8_0"}, {"language", "EN"}}, "", openAIRequest{Model: "ggml-tiny-q8_0", Language: "en", ResponseFormat: "json", Segments: true}},
		{"words only", [][2]string{{"model", "whisper-1"}, {"response_format", "verbose_json"}, {"timestamp_granularities[]", "word"}}, "",
			openAIRequest{Model: "whisper-1", ResponseFormat: "verbose_json", Words: true, granularities: true}},
		{"both granularities", [][2]string{{"model", "whisper-1"}, {"timestamp_granularities[]", "word"}, {"timestamp_granularities[]", "segment"}, {"temperature", "0.2"}, {"stream", "false"}}, "",
			openAIRequest{Model: "whisper-1", ResponseFormat: "json", Words: true, Segments: true, granularities: true, Temperature: 0.2}},
		{"no model", nil, "model", openAIRequest{}},
		{"unknown model", [][2]string{{"model", "gpt-4o-transcribe"}}, "model", openAIRequest{}},
		{"bad format", [][2]string{{"model", "whisper-1"}, {"response_format", "xml"}}, "response_format", openAIRequest{}},
		{"bad language", [][2]string{{"model", "whisper-1"}, {"language", "klingon"}}, "language", openAIRequest{}},
		{"hot temperature", [][2]string{{"model", "whisper-1"}, {"temperature", "1.5"}}, "temperature", openAIRequest{}},
		{"bad granularity", [][2]string{{"model", "whisper-1"}, {"timestamp_granularities[]", "char"}}, "timestamp_granularities[]", openAIRequest{}},
		{"stream", [][2]string{{"model", "whisper-1"}, {"stream", "true"}}, "stream", openAIRequest{}},
		{"unknown field", [][2]string{{"model", "whisper-1"}, {"callback_url", "https://example.com"}}, "callback_url", openAIRequest{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r openAIRequest
			var err error
			for _, f := range tt.fields {
				if err = r.setField(f[0], f[1]); err != nil {
					break
				}
			}
			if err == nil {
				err = r.validate(true, models)
			}
			var pe *paramError
			switch {
			case tt.wantParam == "" && err != nil:
				t.Fatalf("error %v; want none", err)
			case tt.wantParam != "" && (!errors.As(err, &pe) || pe.param != tt.wantParam || pe.Code != CodeInvalidRequest):
				t.Fatalf("error %v; want invalid_request on param %q", err, tt.wantParam)
			case tt.wantParam == "" && r != tt.want:
				t.Errorf("request = %+v; want %+v", r, tt.want)
			}
		})
	}
}

func TestVerboseResponse(t *testing.T) {
	sec := func(s float64) export.Seconds { return export.Seconds(time.Duration(s * float64(time.Second))) }
	tr := &export.JSONTranscript{
		Language: "de", Duration: sec(41.5), Text: "Hallo Welt. Noch einmal.",
		Segments: []export.JSONSegment{
			{Start: 0, End: sec(2), Text: "Hallo Welt.", Words: []export.JSONWord{
				{Word: " Hallo", Start: 0, End: sec(1), Probability: 1},
				{Word: " Welt.", Start: sec(1), End: sec(2), Probability: 0.5},
			}},
			{Start: sec(31), End: sec(33), Text: "Noch einmal."},
		},
	}
	get := func(in openAIRequest, translate bool) map[string]any {
		b, err := json.Marshal(verbose(tr, in, translate, nil))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}

	m := get(openAIRequest{Segments: true}, false)
	if m["task"] != "transcribe" || m["language"] != "german" || m["duration"] != 41.5 {
		t.Errorf("task, language, duration = %v, %v, %v; want transcribe, german, 41.5", m["task"], m["language"], m["duration"])
	}
	if _, ok := m["words"]; ok {
		t.Errorf("words present without the word granularity")
	}
	segs := m["segments"].([]any)
	first, second := segs[0].(map[string]any), segs[1].(map[string]any)
	if first["seek"] != 0.0 || second["seek"] != 3000.0 || second["start"] != 31.0 {
		t.Errorf("seek = %v, %v; want 0, 3000", first["seek"], second["seek"])
	}
	if lp := first["avg_logprob"].(float64); lp > -0.34 || lp < -0.35 {
		t.Errorf("avg_logprob = %v; want ln(0.5)/2", lp)
	}
	if tokens, ok := first["tokens"].([]any); !ok || len(tokens) != 0 {
		t.Errorf("tokens = %v; want []", first["tokens"])
	}

	m = get(openAIRequest{Words: true}, true)
	if m["task"] != "translate" || m["language"] != "english" {
		t.Errorf("translation task, language = %v, %v; want translate, english", m["task"], m["language"])
	}
	if _, ok := m["segments"]; ok {
		t.Errorf("segments present with only the word granularity")
	}
	words := m["words"].([]any)
	if len(words) != 2 || words[0].(map[string]any)["word"] != "Hallo" || words[1].(map[string]any)["end"] != 2.0 {
		t.Errorf("words = %v; want Hallo 0-1, Welt. 1-2", words)
	}
	if r := compressionRatio(strings.Repeat("ha ", 100)); r < 10 {
		t.Errorf("compression ratio of repetitive text = %v; want > 10", r)
	}
}
