package server

import (
	"encoding/json"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// Webhook event names, sent as X-InstantTranscriber-Event.
const (
	EventCompleted = "transcription.completed"
	EventFailed    = "transcription.failed"
)

// callbackPayload is the body POSTed to a job's callback_url when it ends.
// The job ID plus status is the receiver's idempotency key.
type callbackPayload struct {
	ID            string            `json:"id"`
	Status        store.Status      `json:"status"`
	DownloadURLs  map[string]string `json:"download_urls,omitempty"`
	AudioDuration *float64          `json:"audio_duration,omitempty"`
	Language      string            `json:"language,omitempty"`
	Error         *errorDetail      `json:"error,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	CompletedAt   time.Time         `json:"completed_at"`
	Metadata      json.RawMessage   `json:"metadata"`
}

// Delivery builds the webhook outbox record announcing that job ended with
// status, or nil when there is nothing to send: no callback_url, or a
// canceled job (only completed and failed are announced). The worker pool
// and the store's crash recovery call it through a store.DeliveryFunc with
// the job as it will be stored.
func (s *Server) Delivery(job store.Job, status store.Status) *store.Delivery {
	if job.CallbackURL == "" {
		return nil
	}
	p := callbackPayload{
		ID:          job.ID,
		Status:      status,
		CreatedAt:   job.CreatedAt.UTC(),
		CompletedAt: job.CompletedAt.UTC(),
		Metadata:    job.Metadata,
	}
	if job.CompletedAt.IsZero() {
		p.CompletedAt = s.now().UTC()
	}
	if len(p.Metadata) == 0 {
		p.Metadata = json.RawMessage("null")
	}
	var event string
	switch status {
	case store.Completed:
		event = EventCompleted
		p.DownloadURLs = s.downloadURLs(job)
		p.Language = job.Language
		if job.AudioDuration > 0 {
			d := job.AudioDuration.Seconds()
			p.AudioDuration = &d
		}
	case store.Failed:
		event = EventFailed
		p.Error = &errorDetail{Code: "internal_error", Message: "the job failed"}
		if job.Error != nil {
			p.Error = &errorDetail{Code: job.Error.Code, Message: job.Error.Message}
		}
	default:
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		// Strings, times and RawMessage from the store cannot fail to encode.
		panic(err)
	}
	return &store.Delivery{Payload: b, Event: event}
}
