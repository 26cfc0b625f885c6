package summarize

import (
	"encoding/json"
	"log/slog"
)

// redacted is what a Secret prints as.
const redacted = "[redacted]"

// Secret is a credential, such as an LLM API key. It prints, logs and
// marshals to JSON as "[redacted]", so that it cannot leak through a log
// line, an error or a dumped config; Reveal returns the value itself. It
// decodes from YAML like a plain string.
type Secret string

// Reveal returns the secret's value, for the one place that must send it.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the same as String, for the %#v verb.
func (s Secret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer: the secret logs as "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON implements json.Marshaler: the secret marshals as
// "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }
