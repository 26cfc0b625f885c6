package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// Limits on request fields.
const (
	maxMetadataBytes       = 4 << 10
	maxCallbackSecretBytes = 256
	maxIdempotencyKeyBytes = 255
	maxURLBytes            = 4 << 10
)

// createRequest is the body of POST /v1/transcriptions, as JSON or as the
// fields of a multipart form.
type createRequest struct {
	URL              string          `json:"url"`
	Language         string          `json:"language"`
	Translate        bool            `json:"translate"`
	CallbackURL      string          `json:"callback_url"`
	CallbackSecret   string          `json:"callback_secret"`
	Metadata         json.RawMessage `json:"metadata"`
	RetainAudio      bool            `json:"retain_audio"`
	SpeakerLabels    bool            `json:"speaker_labels"`
	SpeakersExpected int             `json:"speakers_expected"`
	MinSpeakers      int             `json:"min_speakers"`
	MaxSpeakers      int             `json:"max_speakers"`
	Summary          bool            `json:"summary"`
	SummaryType      string          `json:"summary_type"`
	Prompt           string          `json:"prompt"`
	Vocabulary       []string        `json:"vocabulary"`
	Model            string          `json:"model"`

	// filename is the uploaded file's name, set by readMultipart; it is
	// shown in the job's source, so it is part of the request hash.
	filename string
}

// setField sets a multipart form field.
func (r *createRequest) setField(name, v string) error {
	var err error
	switch name {
	case "url":
		r.URL = v
	case "language":
		r.Language = v
	case "callback_url":
		r.CallbackURL = v
	case "callback_secret":
		r.CallbackSecret = v
	case "metadata":
		r.Metadata = json.RawMessage(v)
	case "translate":
		r.Translate, err = parseBool(name, v)
	case "retain_audio":
		r.RetainAudio, err = parseBool(name, v)
	case "speaker_labels":
		r.SpeakerLabels, err = parseBool(name, v)
	case "speakers_expected":
		if v = strings.TrimSpace(v); v != "" {
			if r.SpeakersExpected, err = strconv.Atoi(v); err != nil {
				err = apiErr(CodeInvalidRequest, "speakers_expected must be a whole number from 1 to 10")
			}
		}
	case "min_speakers":
		r.MinSpeakers, err = parseSpeakers(name, v)
	case "max_speakers":
		r.MaxSpeakers, err = parseSpeakers(name, v)
	case "summary":
		r.Summary, err = parseBool(name, v)
	case "summary_type":
		r.SummaryType = v
	case "model":
		r.Model = v
	case "prompt":
		r.Prompt = v
	case "vocabulary", "vocabulary[]":
		err = r.addVocabulary(v)
	default:
		return apiErr(CodeInvalidRequest, "unknown field %q", name)
	}
	return err
}

// parseSpeakers parses a speaker-count form field; "" is 0 (not given).
func parseSpeakers(name, v string) (int, error) {
	if v = strings.TrimSpace(v); v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apiErr(CodeInvalidRequest, "%s must be a whole number from 1 to 10", name)
	}
	return n, nil
}

func parseBool(name, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, apiErr(CodeInvalidRequest, "field %q must be true or false", name)
	}
	return b, nil
}

// validate checks and normalizes the request; hasFile says whether a file
// was uploaded.
func (r *createRequest) validate(hasFile bool, guard netguard.Config) error {
	r.URL = strings.TrimSpace(r.URL)
	switch {
	case hasFile && r.URL != "":
		return apiErr(CodeInvalidRequest, "send either a file or a url, not both")
	case !hasFile && r.URL == "":
		return apiErr(CodeInvalidRequest, "send a file (multipart field \"file\") or a url")
	}
	if r.URL != "" {
		if len(r.URL) > maxURLBytes {
			return apiErr(CodeInvalidRequest, "url is longer than %d bytes", maxURLBytes)
		}
		if _, err := guard.ValidateURL(r.URL); err != nil {
			return apiErr(CodeInvalidRequest, "url: %v", err)
		}
	}
	lang, ok := normalizeLanguage(r.Language)
	if !ok {
		return apiErr(CodeInvalidRequest, "language %q is not a language whisper knows (use an ISO 639-1 code such as \"en\", or \"auto\")", r.Language)
	}
	r.Language = lang
	r.CallbackURL = strings.TrimSpace(r.CallbackURL)
	if r.CallbackURL != "" {
		if len(r.CallbackURL) > maxURLBytes {
			return apiErr(CodeInvalidRequest, "callback_url is longer than %d bytes", maxURLBytes)
		}
		if _, err := guard.ValidateURL(r.CallbackURL); err != nil {
			return apiErr(CodeInvalidRequest, "callback_url: %v", err)
		}
	}
	if r.SpeakersExpected != 0 {
		if !r.SpeakerLabels {
			return apiErr(CodeInvalidRequest, "speakers_expected needs speaker_labels=true")
		}
		if r.SpeakersExpected < 1 || r.SpeakersExpected > 10 {
			return apiErr(CodeInvalidRequest, "speakers_expected must be a whole number from 1 to 10")
		}
	}
	if err := r.validateSpeakerRange(); err != nil {
		return err
	}
	if err := r.validatePrompt(); err != nil {
		return err
	}
	switch r.SummaryType {
	case "":
		if r.Summary {
			r.SummaryType = "bullets"
		}
	case "bullets", "paragraph":
		if !r.Summary {
			return apiErr(CodeInvalidRequest, "summary_type needs summary=true")
		}
	default:
		return apiErr(CodeInvalidRequest, "summary_type must be bullets or paragraph")
	}
	if r.CallbackSecret != "" && r.CallbackURL == "" {
		return apiErr(CodeInvalidRequest, "callback_secret needs a callback_url")
	}
	if len(r.CallbackSecret) > maxCallbackSecretBytes {
		return apiErr(CodeInvalidRequest, "callback_secret is longer than %d bytes", maxCallbackSecretBytes)
	}
	if r.CallbackSecret != "" {
		// A whsec_ secret must carry a base64 key; refuse it now rather than
		// fail every delivery later.
		if _, err := webhook.Sign(r.CallbackSecret, "check", 0, nil); err != nil {
			return apiErr(CodeInvalidRequest, "callback_secret: a %s secret must be followed by a base64-encoded key", webhook.SecretPrefix)
		}
	}
	if len(r.Metadata) > 0 {
		if len(r.Metadata) > maxMetadataBytes {
			return apiErr(CodeInvalidRequest, "metadata is larger than %d bytes", maxMetadataBytes)
		}
		trimmed := bytes.TrimSpace(r.Metadata)
		if !utf8.Valid(trimmed) {
			// encoding/json would accept it and the raw bytes would be
			// echoed, invalid, in responses and signed webhook bodies.
			return apiErr(CodeInvalidRequest, "metadata must be valid UTF-8")
		}
		var obj map[string]any
		if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &obj) != nil {
			return apiErr(CodeInvalidRequest, "metadata must be a JSON object")
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, trimmed); err != nil {
			return apiErr(CodeInvalidRequest, "metadata must be a JSON object")
		}
		r.Metadata = buf.Bytes()
	}
	return nil
}

// hash identifies the request for Idempotency-Key: the normalized fields
// plus the uploaded file's SHA-256 and name. The same bytes sent under
// another name are another request: replaying the first job would show a
// source.filename the client did not send.
func (r *createRequest) hash(fileSHA256 string) string {
	b, _ := json.Marshal(struct {
		createRequest
		File     string `json:"file"`
		Filename string `json:"filename,omitempty"`
	}{*r, fileSHA256, r.filename})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// validateSpeakerRange checks min_speakers and max_speakers: each 1 to 10,
// min at most max, with speaker_labels, and not with speakers_expected
// (which fixes the count).
func (r *createRequest) validateSpeakerRange() error {
	for _, f := range []struct {
		name string
		n    int
	}{{"min_speakers", r.MinSpeakers}, {"max_speakers", r.MaxSpeakers}} {
		if f.n == 0 {
			continue
		}
		if !r.SpeakerLabels {
			return apiErr(CodeInvalidRequest, "%s needs speaker_labels=true", f.name)
		}
		if f.n < 1 || f.n > 10 {
			return apiErr(CodeInvalidRequest, "%s must be a whole number from 1 to 10", f.name)
		}
		if r.SpeakersExpected != 0 {
			return apiErr(CodeInvalidRequest, "%s conflicts with speakers_expected: give the count or a range, not both", f.name)
		}
	}
	if r.MinSpeakers != 0 && r.MaxSpeakers != 0 && r.MinSpeakers > r.MaxSpeakers {
		return apiErr(CodeInvalidRequest, "min_speakers (%d) must not exceed max_speakers (%d)", r.MinSpeakers, r.MaxSpeakers)
	}
	return nil
}
