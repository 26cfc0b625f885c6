package summarize

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestSummarizeLLM(t *testing.T) {
	srv := newLLMServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		answer(w, "Here are the key points:\n- The customer database moves to the cloud.\n* It happens in three phases.\n3. The switch is in May.")
	})
	s, logs := newTestSummarizer(t, LLMConfig{BaseURL: srv.URL + "/v1/"})
	tr := meetingTranscript(t)

	got, warnings, err := s.Summarize(context.Background(), tr, transcript.SummaryBullets)
	if err != nil {
		t.Fatal(err)
	}
	wantBullets := []string{"The customer database moves to the cloud.", "It happens in three phases.", "The switch is in May."}
	if got.Method != MethodLLM || got.Type != transcript.SummaryBullets || !slices.Equal(got.Bullets, wantBullets) {
		t.Errorf("summary = %+v, want llm bullets %q", *got, wantBullets)
	}
	if warnings != nil {
		t.Errorf("warnings = %q, want none", warnings)
	}

	r, body := srv.lastRequest()
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		t.Errorf("request = %s %s, want POST /v1/chat/completions", r.Method, r.URL.Path)
	}
	if got, want := r.Header.Get("Authorization"), "Bearer "+testKey; got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	var req struct {
		Model       string        `json:"model"`
		Temperature *float64      `json:"temperature"`
		Messages    []chatMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("request body %s: %v", body, err)
	}
	if req.Model != testModel || req.Temperature == nil || *req.Temperature != 0 {
		t.Errorf("model, temperature = %q, %v, want %q, 0", req.Model, req.Temperature, testModel)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Fatalf("messages = %+v, want system and user", req.Messages)
	}
	if !strings.Contains(req.Messages[0].Content, "English") || !strings.Contains(req.Messages[0].Content, "bullet") {
		t.Errorf("system prompt %q does not ask for English bullets", req.Messages[0].Content)
	}
	if !strings.Contains(req.Messages[1].Content, tr.Text) {
		t.Errorf("user message does not hold the transcript")
	}
	assertNoSecret(t, "log", logs.String())
}

func TestSummarizeLLMParagraph(t *testing.T) {
	srv := newLLMServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		answer(w, "Das Team plant die Migration.\nSie erfolgt im Mai.")
	})
	s, _ := newTestSummarizer(t, LLMConfig{BaseURL: srv.URL})
	tr := &transcript.Transcript{Language: "de", Text: "Wir migrieren die Datenbank im Mai. Das ist der Plan."}

	got, warnings, err := s.Summarize(context.Background(), tr, transcript.SummaryParagraph)
	if err != nil {
		t.Fatal(err)
	}
	want := transcript.Summary{Type: transcript.SummaryParagraph, Text: "Das Team plant die Migration. Sie erfolgt im Mai.", Method: MethodLLM}
	if got.Type != want.Type || got.Text != want.Text || got.Method != want.Method || got.Bullets != nil || warnings != nil {
		t.Errorf("got %+v, %q, want %+v, no warnings", *got, warnings, want)
	}
	_, body := srv.lastRequest()
	if !strings.Contains(string(body), "German") || !strings.Contains(string(body), "one paragraph") {
		t.Errorf("request %s does not ask for a German paragraph", body)
	}
}

func TestSummarizeLLMTruncates(t *testing.T) {
	srv := newLLMServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { answer(w, "- Short") })
	s, _ := newTestSummarizer(t, LLMConfig{BaseURL: srv.URL, MaxInputChars: 100})
	tr := meetingTranscript(t)

	_, warnings, err := s.Summarize(context.Background(), tr, transcript.SummaryBullets)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"llm summary covers only the first 100 characters of the transcript"}; !slices.Equal(warnings, want) {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
	_, body := srv.lastRequest()
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	user := req.Messages[1].Content
	if strings.Contains(user, "coffee machine") || !strings.Contains(user, "Good morning everyone") {
		t.Errorf("user message %q is not the first 100 characters", user)
	}
}

func TestSummarizeCancelled(t *testing.T) {
	srv := newLLMServer(t, func(_ int, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s, _ := newTestSummarizer(t, LLMConfig{BaseURL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)

	got, warnings, err := s.Summarize(ctx, meetingTranscript(t), transcript.SummaryBullets)
	if !errors.Is(err, context.Canceled) || got != nil || warnings != nil {
		t.Errorf("got %v, %q, %v, want nil, nil, context.Canceled", got, warnings, err)
	}
}

func TestSummarizeWithoutLLM(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		tr    *transcript.Transcript
		typ   string
		want  *transcript.Summary
		calls int
	}{
		{"not configured", Config{}, &transcript.Transcript{Text: jfk}, "",
			&transcript.Summary{Type: "bullets", Text: jfk, Bullets: []string{jfk}, Method: "extractive"}, 0},
		{"empty transcript skips the llm", Config{LLM: LLMConfig{Model: testModel}}, &transcript.Transcript{}, transcript.SummaryParagraph,
			&transcript.Summary{Type: "paragraph", Method: "extractive"}, 0},
		{"nil transcript", Config{LLM: LLMConfig{Model: testModel}}, nil, "",
			&transcript.Summary{Type: "bullets", Method: "extractive"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newLLMServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { answer(w, "- LLM") })
			if tt.cfg.LLM.Model != "" {
				tt.cfg.LLM.BaseURL = srv.URL
			}
			got, warnings, err := New(tt.cfg, nil, nil).Summarize(context.Background(), tt.tr, tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != tt.want.Type || got.Text != tt.want.Text || got.Method != tt.want.Method || !slices.Equal(got.Bullets, tt.want.Bullets) || warnings != nil {
				t.Errorf("got %+v, %q, want %+v, no warnings", *got, warnings, *tt.want)
			}
			if n := int(srv.calls.Load()); n != tt.calls {
				t.Errorf("server got %d requests, want %d", n, tt.calls)
			}
		})
	}
}

func TestSummarizeUnknownType(t *testing.T) {
	_, _, err := New(Config{}, nil, nil).Summarize(context.Background(), &transcript.Transcript{Text: jfk}, "haiku")
	if !errors.Is(err, ErrUnknownType) {
		t.Errorf("error = %v, want ErrUnknownType", err)
	}
}

func TestSummarizeConcurrent(t *testing.T) {
	srv := newLLMServer(t, func(n int, w http.ResponseWriter, _ *http.Request) { answer(w, fmt.Sprintf("- Answer %d", n)) })
	s, _ := newTestSummarizer(t, LLMConfig{BaseURL: srv.URL})
	tr := meetingTranscript(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, _, err := s.Summarize(context.Background(), tr, "")
			if err != nil || got.Method != MethodLLM {
				t.Errorf("got %+v, %v, want an llm summary", got, err)
			}
		})
	}
	wg.Wait()
}
