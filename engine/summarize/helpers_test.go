package summarize

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

const (
	testKey   = "sk-test-SECRET-1234567890"
	testModel = "llama3.2"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer = e2e.Buffer

// llmServer is a fake OpenAI-compatible server: it counts requests, keeps
// the last one, and answers each with handle(n), n counting from 1.
type llmServer struct {
	*httptest.Server
	calls atomic.Int32
	mu    sync.Mutex
	last  *http.Request
	body  []byte
}

func newLLMServer(t *testing.T, handle func(n int, w http.ResponseWriter, r *http.Request)) *llmServer {
	t.Helper()
	s := &llmServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.calls.Add(1))
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.last, s.body = r, body
		s.mu.Unlock()
		handle(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// lastRequest returns the last request and its body.
func (s *llmServer) lastRequest() (*http.Request, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.body
}

// answer writes a chat completion response with the given content.
func answer(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": content}}},
	})
}

// newTestSummarizer returns a Summarizer for the server at baseURL with
// the test key, millisecond retry pauses, and its log output.
func newTestSummarizer(t *testing.T, llm LLMConfig) (*Summarizer, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	llm.Model, llm.APIKey = testModel, testKey
	s := New(Config{LLM: llm}, nil, logger)
	s.backoff, s.maxRetryAfter = time.Millisecond, time.Millisecond
	return s, logs
}

// meetingTranscript returns the meeting test text as an English
// transcript.
func meetingTranscript(t *testing.T) *transcript.Transcript {
	t.Helper()
	return &transcript.Transcript{Language: "en", Text: readMeeting(t)}
}

// assertNoSecret fails if the API key appears in any of the strings.
func assertNoSecret(t *testing.T, where string, ss ...string) {
	t.Helper()
	for _, s := range ss {
		if strings.Contains(s, testKey) || strings.Contains(s, "SECRET") {
			t.Errorf("%s leaks the secret: %q", where, s)
		}
	}
}
