package summarize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxResponseBytes caps the LLM answer that is read.
const maxResponseBytes = 4 << 20

// llmError is a failed LLM request. Reason is short and safe to show a
// user: "timeout", "http 503", "invalid response", "empty response" or
// "request failed". Its message never holds the API key or the URL.
type llmError struct {
	reason string
	// retry reports whether the request may succeed if repeated: a
	// timeout, a 5xx or a 429.
	retry bool
	// retryAfter is the server's Retry-After delay, if it sent one.
	retryAfter time.Duration
	// detail is for the log: the cause, or the start of an error answer.
	detail string
}

func (e *llmError) Error() string {
	if e.detail == "" {
		return e.reason
	}
	return e.reason + ": " + e.detail
}

// complete sends body to the chat completions endpoint, repeating it
// after a growing pause while it fails in a way that may pass, and returns
// the answer's content. When ctx ends it returns ctx's error.
func (s *Summarizer) complete(ctx context.Context, body []byte) (string, error) {
	for attempt := 1; ; attempt++ {
		content, err := s.post(ctx, body)
		if err == nil || ctx.Err() != nil {
			return content, err
		}
		var le *llmError
		if !errors.As(err, &le) || !le.retry || attempt > s.cfg.MaxRetries {
			return "", err
		}
		wait := s.backoff << (attempt - 1)
		if le.retryAfter > 0 {
			wait = min(le.retryAfter, s.maxRetryAfter)
		}
		s.logger.Info("llm request failed; retrying", "attempt", attempt, "reason", le.reason, "retry_in", wait)
		if err := sleep(ctx, wait); err != nil {
			return "", err
		}
	}
}

// post makes one request, bounded by the configured timeout.
func (s *Summarizer) post(ctx context.Context, body []byte) (string, error) {
	rctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", &llmError{reason: "request failed", detail: "invalid base_url"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if s.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.APIKey.Reveal())
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", s.transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return "", s.transportError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		code := resp.StatusCode
		return "", &llmError{
			reason:     "http " + strconv.Itoa(code),
			retry:      code >= 500 || code == http.StatusTooManyRequests,
			retryAfter: retryAfter(resp.Header.Get("Retry-After")),
			detail:     s.redact(snippet(data)),
		}
	}
	content, err := parseResponse(data)
	if err != nil {
		return "", &llmError{reason: err.Error()}
	}
	return content, nil
}

// transportError classifies an error from sending a request or reading its
// answer, dropping the request URL that *url.Error carries.
func (s *Summarizer) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &llmError{reason: "timeout", retry: true, detail: fmt.Sprintf("no answer within %s", s.cfg.Timeout)}
	}
	return &llmError{reason: "request failed", detail: s.redact(err.Error())}
}

// redact removes the API key and the base URL's password from s.
func (s *Summarizer) redact(msg string) string {
	for _, secret := range []string{s.cfg.APIKey.Reveal(), s.password} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, redacted)
		}
	}
	return msg
}

// snippet returns the start of an error answer, on one line, for the log.
func snippet(data []byte) string {
	const n = 200
	s := strings.Join(strings.Fields(string(data)), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// retryAfter parses a Retry-After header given in seconds; 0 otherwise.
func retryAfter(h string) time.Duration {
	secs, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs) * time.Second
}

// sleep waits for d or until ctx ends, and then returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
