package summarize

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// ErrUnknownType is returned for a summary type other than
// transcript.SummaryBullets, transcript.SummaryParagraph or "".
var ErrUnknownType = errors.New("summarize: unknown summary type")

// Retry pauses.
const (
	// firstBackoff is the pause before the first retry; it doubles for each
	// one after.
	firstBackoff = time.Second
	// maxRetryAfter caps a server's Retry-After.
	maxRetryAfter = 30 * time.Second
)

// Summarizer makes transcript summaries: with the configured LLM when there
// is one, falling back to an extractive summary when it fails, and
// extractive ones otherwise. It is safe for concurrent use.
type Summarizer struct {
	cfg    LLMConfig
	client *http.Client
	logger *slog.Logger
	// endpoint is the chat completions URL; host and password are the base
	// URL's host, for logs, and password, for redaction.
	endpoint, host, password string
	// backoff and maxRetryAfter are the retry pauses; tests shorten them.
	backoff, maxRetryAfter time.Duration
}

// New returns a Summarizer. client sends the LLM requests: pass one that
// can reach the configured server (often on localhost); nil means a plain
// &http.Client{}. Each request is bounded by cfg.LLM.Timeout, not by the
// client. A nil logger discards.
func New(cfg Config, client *http.Client, logger *slog.Logger) *Summarizer {
	if client == nil {
		client = &http.Client{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Summarizer{
		cfg:           cfg.LLM.withDefaults(),
		client:        client,
		logger:        logger.With("component", "summarize"),
		backoff:       firstBackoff,
		maxRetryAfter: maxRetryAfter,
	}
	if s.cfg.Enabled() {
		s.endpoint = strings.TrimRight(s.cfg.BaseURL, "/") + "/chat/completions"
		if u, err := url.Parse(s.cfg.BaseURL); err == nil {
			s.host = u.Host
			s.password, _ = u.User.Password()
		}
	}
	return s
}

// Summarize returns a summary of t of type typ (transcript.SummaryBullets,
// the default when typ is "", or transcript.SummaryParagraph) and
// user-facing warnings. With an LLM configured it asks the LLM; when that
// fails (timeout, error status after retries, unusable answer) it returns
// the extractive summary with a warning that says so. Summary.Method tells
// which was used. Summarize fails only for an unknown type, with
// ErrUnknownType, or when ctx ends, with ctx's error.
func (s *Summarizer) Summarize(ctx context.Context, t *transcript.Transcript, typ string) (*transcript.Summary, []string, error) {
	switch typ {
	case "":
		typ = transcript.SummaryBullets
	case transcript.SummaryBullets, transcript.SummaryParagraph:
	default:
		return nil, nil, fmt.Errorf("%w %q", ErrUnknownType, typ)
	}
	if !s.cfg.Enabled() || t == nil || strings.TrimSpace(fullText(t)) == "" {
		return ExtractiveTranscript(t, typ), nil, nil
	}
	start := time.Now()
	sum, warnings, err := s.llmSummary(ctx, t, typ)
	if ctx.Err() != nil {
		return nil, nil, fmt.Errorf("summarize: %w", ctx.Err())
	}
	if err == nil {
		s.logger.Debug("llm summary made", "host", s.host, "model", s.cfg.Model, "duration", time.Since(start))
		return sum, warnings, nil
	}
	reason := err.Error()
	var le *llmError
	if errors.As(err, &le) {
		reason = le.reason
	}
	s.logger.Warn("llm summary failed; using extractive summary",
		"host", s.host, "model", s.cfg.Model, "reason", reason, "error", s.redact(err.Error()))
	return ExtractiveTranscript(t, typ), []string{fmt.Sprintf("llm summary failed (%s); extractive summary used", reason)}, nil
}

// llmSummary asks the LLM for the summary.
func (s *Summarizer) llmSummary(ctx context.Context, t *transcript.Transcript, typ string) (*transcript.Summary, []string, error) {
	body, cut, err := requestBody(s.cfg.Model, t.Language, typ, fullText(t), s.cfg.MaxInputChars)
	if err != nil {
		return nil, nil, &llmError{reason: "request failed", detail: err.Error()}
	}
	content, err := s.complete(ctx, body)
	if err != nil {
		return nil, nil, err
	}
	sum, err := parseAnswer(content, typ)
	if err != nil {
		return nil, nil, &llmError{reason: err.Error()}
	}
	var warnings []string
	if cut {
		warnings = append(warnings, fmt.Sprintf("llm summary covers only the first %d characters of the transcript", s.cfg.MaxInputChars))
	}
	return sum, warnings, nil
}

// fullText returns the transcript's text, or its segments' texts joined
// when Text is empty.
func fullText(t *transcript.Transcript) string {
	if strings.TrimSpace(t.Text) != "" {
		return t.Text
	}
	return joinSentences(segmentTexts(t))
}
