package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// maxRetrySchedule bounds the number of delays in webhook.retry_schedule.
const maxRetrySchedule = 100

// WebhookSection is the webhook: section: the callback dispatcher.
type WebhookSection struct {
	Workers       int           `yaml:"workers"`
	PerHost       int           `yaml:"per_host"`
	Timeout       time.Duration `yaml:"timeout"`
	RetrySchedule string        `yaml:"retry_schedule"` // delays before each attempt, space-separated
	Jitter        float64       `yaml:"jitter"`
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
}

func defaultWebhook() WebhookSection {
	return WebhookSection{
		Workers:       webhook.DefaultWorkers,
		PerHost:       webhook.DefaultPerHost,
		Timeout:       webhook.DefaultTimeout,
		RetrySchedule: formatSchedule(webhook.DefaultSchedule()),
		Jitter:        webhook.DefaultJitter,
		MaxRetryAfter: webhook.DefaultMaxRetryAfter,
		ShutdownGrace: webhook.DefaultShutdownGrace,
	}
}

// check: 0 workers, per_host or timeout take the dispatcher's defaults.
func (s WebhookSection) check(p *problems) {
	p.nonNegative("webhook.workers", int64(s.Workers))
	p.nonNegative("webhook.per_host", int64(s.PerHost))
	p.nonNegative("webhook.timeout", int64(s.Timeout))
	if _, err := parseSchedule(s.RetrySchedule); err != nil {
		p.add("webhook.retry_schedule", "%v", err)
	}
	if j := s.Jitter; !(j >= 0 && j < 1) {
		p.add("webhook.jitter", "%v is outside [0, 1)", j)
	}
	p.nonNegative("webhook.max_retry_after", int64(s.MaxRetryAfter))
	p.nonNegative("webhook.shutdown_grace", int64(s.ShutdownGrace))
}

// parseSchedule reads a retry schedule: durations separated by spaces or
// commas, the first 0s.
func parseSchedule(s string) ([]time.Duration, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(fields) == 0 {
		return nil, errors.New("needs at least one delay")
	}
	if len(fields) > maxRetrySchedule {
		return nil, fmt.Errorf("has %d delays; at most %d", len(fields), maxRetrySchedule)
	}
	out := make([]time.Duration, 0, len(fields))
	for _, f := range fields {
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q is not a duration such as 5m", f)
		}
		out = append(out, d)
	}
	if out[0] != 0 {
		return nil, errors.New("the first delay must be 0s: a callback is due as soon as the job ends")
	}
	return out, nil
}

// formatSchedule writes delays as parseSchedule reads them, each in its
// shortest form ("5m", not "5m0s").
func formatSchedule(delays []time.Duration) string {
	out := make([]string, len(delays))
	for i, d := range delays {
		s := d.String()
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		out[i] = s
	}
	return strings.Join(out, " ")
}
