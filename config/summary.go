package config

import (
	"net/url"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
)

// SummarySection is the summary: section.
type SummarySection struct {
	LLM LLMSection `yaml:"llm"`
}

// LLMSection is summary.llm: an OpenAI-compatible chat-completions endpoint
// for abstractive summaries; without base_url the embedded extractive
// summarizer is used.
type LLMSection struct {
	BaseURL    string           `yaml:"base_url"`
	Model      string           `yaml:"model"`
	APIKey     summarize.Secret `yaml:"api_key"`
	Timeout    time.Duration    `yaml:"timeout"`
	MaxRetries int              `yaml:"max_retries"`
}

func defaultSummary() SummarySection {
	return SummarySection{LLM: LLMSection{
		Timeout:    summarize.DefaultTimeout,
		MaxRetries: summarize.DefaultMaxRetries,
	}}
}

// check: a negative max_retries means none; the base URL may hold
// credentials, so its problem names the key, not the value.
func (s SummarySection) check(p *problems) {
	l := s.LLM
	p.nonNegative("summary.llm.timeout", int64(l.Timeout))
	if l.BaseURL == "" {
		return
	}
	if l.Model == "" {
		p.add("summary.llm.model", "must be set with summary.llm.base_url")
	}
	if u, err := url.Parse(l.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add("summary.llm.base_url", "is not an http or https URL")
	}
}
