package summarize

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestSummarizeLLMRetries(t *testing.T) {
	tests := []struct {
		name   string
		handle func(n int, w http.ResponseWriter, r *http.Request)
		calls  int
	}{
		{"500 then success", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				http.Error(w, "model loading", http.StatusInternalServerError)
				return
			}
			answer(w, "- Done")
		}, 2},
		{"429 with Retry-After then success", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return
			}
			answer(w, "- Done")
		}, 2},
		{"two 503s then success", func(n int, w http.ResponseWriter, _ *http.Request) {
			if n <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			answer(w, "- Done")
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newLLMServer(t, tt.handle)
			s, _ := newTestSummarizer(t, LLMConfig{BaseURL: srv.URL})
			got, warnings, err := s.Summarize(context.Background(), meetingTranscript(t), "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Method != MethodLLM || !slices.Equal(got.Bullets, []string{"Done"}) || warnings != nil {
				t.Errorf("got %+v, %q, want the llm bullet and no warnings", *got, warnings)
			}
			if n := int(srv.calls.Load()); n != tt.calls {
				t.Errorf("server got %d requests, want %d", n, tt.calls)
			}
		})
	}
}

func TestSummarizeLLMFallback(t *testing.T) {
	hang := func(_ int, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	tests := []struct {
		name    string
		handle  func(n int, w http.ResponseWriter, r *http.Request)
		llm     LLMConfig
		calls   int
		warning string
	}{
		{"timeout, retried", hang, LLMConfig{Timeout: 50 * time.Millisecond}, 3, "llm summary failed (timeout); extractive summary used"},
		{"timeout, no retries", hang, LLMConfig{Timeout: 50 * time.Millisecond, MaxRetries: -1}, 1, "llm summary failed (timeout); extractive summary used"},
		{"500 every time", func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, LLMConfig{MaxRetries: 1}, 2, "llm summary failed (http 500); extractive summary used"},
		{"401 is not retried", func(_ int, w http.ResponseWriter, r *http.Request) {
			// A server that echoes the key must not get it into the log.
			http.Error(w, "invalid key "+r.Header.Get("Authorization"), http.StatusUnauthorized)
		}, LLMConfig{}, 1, "llm summary failed (http 401); extractive summary used"},
		{"garbage JSON", func(_ int, w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"choices": [ {"message": `)
		}, LLMConfig{}, 1, "llm summary failed (invalid response); extractive summary used"},
		{"HTML", func(_ int, w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `<html><body>It works!</body></html>`)
		}, LLMConfig{}, 1, "llm summary failed (invalid response); extractive summary used"},
		{"empty answer", func(_ int, w http.ResponseWriter, _ *http.Request) {
			answer(w, "  \n")
		}, LLMConfig{}, 1, "llm summary failed (empty response); extractive summary used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newLLMServer(t, tt.handle)
			tt.llm.BaseURL = srv.URL
			s, logs := newTestSummarizer(t, tt.llm)
			tr := meetingTranscript(t)

			got, warnings, err := s.Summarize(context.Background(), tr, transcript.SummaryBullets)
			if err != nil {
				t.Fatal(err)
			}
			want := ExtractiveTranscript(tr, transcript.SummaryBullets)
			if got.Method != MethodExtractive || !slices.Equal(got.Bullets, want.Bullets) {
				t.Errorf("summary = %+v, want the extractive one %+v", *got, *want)
			}
			if !slices.Equal(warnings, []string{tt.warning}) {
				t.Errorf("warnings = %q, want [%q]", warnings, tt.warning)
			}
			if n := int(srv.calls.Load()); n != tt.calls {
				t.Errorf("server got %d requests, want %d", n, tt.calls)
			}
			if !strings.Contains(logs.String(), "llm summary failed") {
				t.Errorf("log %q does not record the failure", logs.String())
			}
			assertNoSecret(t, "warnings", warnings...)
			assertNoSecret(t, "log", logs.String())
		})
	}
}

func TestSummarizeLLMUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	// Credentials in the base URL stay out of warnings and logs too.
	s, logs := newTestSummarizer(t, LLMConfig{BaseURL: "http://user:pw-SECRET@" + addr + "/v1"})

	got, warnings, err := s.Summarize(context.Background(), meetingTranscript(t), transcript.SummaryBullets)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"llm summary failed (request failed); extractive summary used"}; got.Method != MethodExtractive || !slices.Equal(warnings, want) {
		t.Errorf("got method %q, warnings %q, want extractive, %q", got.Method, warnings, want)
	}
	if !strings.Contains(logs.String(), "host="+addr) {
		t.Errorf("log %q does not name the host", logs.String())
	}
	assertNoSecret(t, "warnings", warnings...)
	assertNoSecret(t, "log", logs.String())
}
