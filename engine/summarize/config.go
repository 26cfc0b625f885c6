package summarize

import (
	"log/slog"
	"net/url"
	"time"
)

// Defaults used for zero LLMConfig fields.
const (
	DefaultTimeout       = 60 * time.Second
	DefaultMaxRetries    = 2
	DefaultMaxInputChars = 24000
)

// Config configures a Summarizer. The zero Config makes extractive
// summaries only.
type Config struct {
	// LLM is the optional OpenAI-compatible endpoint for abstractive
	// summaries.
	LLM LLMConfig
}

// LLMConfig configures the LLM summaries. Zero fields take their defaults.
// The program fills it from summary.llm, which package config has checked.
type LLMConfig struct {
	// BaseURL is the API root of an OpenAI-compatible server, such as
	// "http://localhost:11434/v1" for Ollama; requests go to
	// BaseURL + "/chat/completions". Empty turns LLM summaries off.
	BaseURL string
	// Model is the model name sent with each request.
	Model string
	// APIKey is sent as "Authorization: Bearer <key>" when set.
	APIKey Secret
	// Timeout bounds one request, reading the answer included; 60 s by
	// default.
	Timeout time.Duration
	// MaxRetries is how many times a request that timed out or got a 5xx or
	// 429 answer is repeated, after a growing pause; 2 by default, and a
	// negative value means none.
	MaxRetries int
	// MaxInputChars caps the transcript characters (runes) sent to the
	// model; a longer transcript is cut at a word boundary. 24000 by
	// default.
	MaxInputChars int
}

// Enabled reports whether LLM summaries are configured.
func (c LLMConfig) Enabled() bool { return c.BaseURL != "" }

// LogValue implements slog.LogValuer: the config without its secrets, the
// API key as "[redacted]" and a password in the base URL as "xxxxx".
func (c LLMConfig) LogValue() slog.Value {
	base := c.BaseURL
	if u, err := url.Parse(base); err == nil {
		base = u.Redacted()
	} else if base != "" {
		base = redacted
	}
	return slog.GroupValue(
		slog.String("base_url", base),
		slog.String("model", c.Model),
		slog.Any("api_key", c.APIKey),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_retries", c.MaxRetries),
		slog.Int("max_input_chars", c.MaxInputChars),
	)
}

// withDefaults returns c with zero fields resolved.
func (c LLMConfig) withDefaults() LLMConfig {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.MaxInputChars <= 0 {
		c.MaxInputChars = DefaultMaxInputChars
	}
	return c
}
