package server

import (
	"encoding/json"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// jobResponse is the job object of the API. It never carries the callback
// secret.
type jobResponse struct {
	ID            string               `json:"id"`
	Status        store.Status         `json:"status"`
	Stage         string               `json:"stage"`
	Progress      int                  `json:"progress"`
	CreatedAt     time.Time            `json:"created_at"`
	StartedAt     *time.Time           `json:"started_at"`
	CompletedAt   *time.Time           `json:"completed_at"`
	AudioDuration *float64             `json:"audio_duration"`
	Language      *string              `json:"language"`
	Text          *string              `json:"text"`
	Segments      []export.JSONSegment `json:"segments,omitempty"`
	Speakers      []export.JSONSpeaker `json:"speakers,omitempty"`
	Summary       *export.JSONSummary  `json:"summary,omitempty"`
	Warnings      []string             `json:"warnings,omitempty"`
	Error         *errorDetail         `json:"error"`
	DownloadURLs  map[string]string    `json:"download_urls"`
	Metadata      json.RawMessage      `json:"metadata"`
	Source        sourceResponse       `json:"source"`
	Options       optionsResponse      `json:"options"`
	Attempt       int                  `json:"attempt"`
	CallbackURL   *string              `json:"callback_url"`
	Webhook       *webhookSummary      `json:"webhook"`
}

type sourceResponse struct {
	Type     string `json:"type"`
	Filename string `json:"filename,omitempty"`
	URL      string `json:"url,omitempty"`
}

type optionsResponse struct {
	Language         string   `json:"language"`
	Translate        bool     `json:"translate"`
	SpeakerLabels    bool     `json:"speaker_labels"`
	SpeakersExpected *int     `json:"speakers_expected"`
	MinSpeakers      *int     `json:"min_speakers,omitempty"`
	MaxSpeakers      *int     `json:"max_speakers,omitempty"`
	Summary          bool     `json:"summary"`
	SummaryType      string   `json:"summary_type,omitempty"`
	Prompt           string   `json:"prompt,omitempty"`
	Vocabulary       []string `json:"vocabulary,omitempty"`
	Model            string   `json:"model"`
}

// dataList is the {"data": [...]} answer of a list that is not paged
// (keys, a job's deliveries); listResponse is the paged one of jobs.
type dataList[T any] struct {
	Data []T `json:"data"`
}

// listOf converts each item with conv; an empty list is [], not null.
func listOf[S, T any](items []S, conv func(S) T) dataList[T] {
	out := dataList[T]{Data: make([]T, 0, len(items))}
	for _, it := range items {
		out.Data = append(out.Data, conv(it))
	}
	return out
}

// listResponse is a page of jobs.
type listResponse struct {
	Data       []jobResponse `json:"data"`
	NextCursor *string       `json:"next_cursor"`
}

// toJobResponse converts a stored job. tr, when not nil, is the completed
// job's transcript, which fills text (and segments when withSegments).
func (s *Server) toJobResponse(j store.Job, tr *export.JSONTranscript, withSegments bool) jobResponse {
	r := s.jobFields(j, tr, withSegments)
	if j.CallbackURL != "" && j.Status.Terminal() {
		if ds, err := s.store.DeliveriesForJob(j.ID); err == nil {
			r.Webhook = summarize(ds)
		} else {
			s.log.Warn("read deliveries", "job_id", j.ID, "err", err)
		}
	}
	return r
}

func (s *Server) jobFields(j store.Job, tr *export.JSONTranscript, withSegments bool) jobResponse {
	r := jobResponse{
		ID:        j.ID,
		Status:    j.Status,
		Stage:     j.Stage,
		Progress:  j.Progress,
		CreatedAt: j.CreatedAt.UTC(),
		Attempt:   j.Attempt,
		Options: optionsResponse{
			Language:      orDefault(j.Options.Language, "auto"),
			Translate:     j.Options.Translate,
			SpeakerLabels: j.Options.Diarize,
			Summary:       j.Options.Summarize,
			SummaryType:   j.Options.SummaryType,
			Prompt:        j.Options.Prompt,
			Vocabulary:    j.Options.Vocabulary,
			Model:         s.jobModel(j.Options.Model),
		},
	}
	if j.Options.SpeakersExpected > 0 {
		n := j.Options.SpeakersExpected
		r.Options.SpeakersExpected = &n
	}
	if n := j.Options.MinSpeakers; n > 0 {
		r.Options.MinSpeakers = &n
	}
	if n := j.Options.MaxSpeakers; n > 0 {
		r.Options.MaxSpeakers = &n
	}
	if !j.StartedAt.IsZero() {
		t := j.StartedAt.UTC()
		r.StartedAt = &t
	}
	if !j.CompletedAt.IsZero() {
		t := j.CompletedAt.UTC()
		r.CompletedAt = &t
	}
	if j.AudioDuration > 0 {
		d := j.AudioDuration.Seconds()
		r.AudioDuration = &d
	}
	if j.Language != "" {
		r.Language = &j.Language
	}
	if j.Error != nil {
		r.Error = &errorDetail{Code: j.Error.Code, Message: j.Error.Message}
	}
	if len(j.Metadata) > 0 {
		r.Metadata = j.Metadata
	}
	if j.CallbackURL != "" {
		r.CallbackURL = &j.CallbackURL
	}
	r.Source = sourceResponse{Type: "upload", Filename: j.Source.Filename}
	if j.Source.URL != "" {
		r.Source = sourceResponse{Type: "url", URL: j.Source.URL, Filename: j.Source.Filename}
	}
	if j.Sync {
		r.Source.Type = "sync" // an upload to the OpenAI-compatible API
	}
	if j.Status == store.Completed {
		r.DownloadURLs = s.signer.URLs(j.ID, j.KeyID, s.now())
		if audioRetained(j) {
			r.DownloadURLs[audioScope] = s.signer.AudioURL(j.ID, j.KeyID, s.now())
		}
		if tr != nil {
			r.Text = &tr.Text
			r.Speakers, r.Summary, r.Warnings = tr.Speakers, tr.Summary, tr.Warnings
			if withSegments {
				r.Segments = tr.Segments
			}
		}
	}
	return r
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
