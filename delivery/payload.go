package delivery

import (
	"encoding/json"
	"time"

	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Webhook event names, sent as X-InstantTranscriber-Event.
const (
	EventCompleted = "transcription.completed"
	EventFailed    = "transcription.failed"
)

// Payload is the body POSTed to a job's callback_url when it ends. The job
// ID plus status is the receiver's idempotency key. The outbox stores it
// without DownloadURLs; Body signs them when the delivery is sent, so that
// a retry or a redelivery long after the job ended still carries links
// that work.
type Payload struct {
	ID            string            `json:"id"`
	Status        store.Status      `json:"status"`
	DownloadURLs  map[string]string `json:"download_urls,omitempty"`
	AudioDuration *float64          `json:"audio_duration,omitempty"`
	Language      string            `json:"language,omitempty"`
	Error         *ErrorDetail      `json:"error,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	CompletedAt   time.Time         `json:"completed_at"`
	Metadata      json.RawMessage   `json:"metadata"`
	SpeakerNames  map[string]string `json:"speaker_names,omitempty"`
}

// AudioLink is the download_urls entry of a job's retained audio. Build
// stores it with an empty value to say the event carries one; Body signs it
// with the export links.
const AudioLink = "audio"

// ErrorDetail is why a job failed, as the API's error object shows it.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Build is the store.DeliveryFunc of every terminal transition: the
// webhook outbox record announcing that job ended, built from the job as
// the store writes it, or nil when there is nothing to send (no
// callback_url, or a canceled job: only completed and failed are
// announced).
func Build(job store.Job) *store.Delivery {
	if job.CallbackURL == "" {
		return nil
	}
	p := Payload{
		ID:          job.ID,
		Status:      job.Status,
		CreatedAt:   job.CreatedAt.UTC(),
		CompletedAt: job.CompletedAt.UTC(),
		Metadata:    job.Metadata,
	}
	if len(p.Metadata) == 0 {
		p.Metadata = json.RawMessage("null")
	}
	var event string
	switch job.Status {
	case store.Completed:
		event = EventCompleted
		p.Language = job.Language
		p.SpeakerNames = job.SpeakerNames
		if job.Source.AudioPath != "" {
			// The audio is kept (the store cleared the path otherwise).
			p.DownloadURLs = map[string]string{AudioLink: ""}
		}
		if job.AudioDuration > 0 {
			d := job.AudioDuration.Seconds()
			p.AudioDuration = &d
		}
	case store.Failed:
		event = EventFailed
		p.Error = &ErrorDetail{Code: failure.Internal, Message: "the job failed"}
		if job.Error != nil {
			p.Error = &ErrorDetail{Code: job.Error.Code, Message: job.Error.Message}
		}
	default:
		return nil
	}
	return &store.Delivery{Payload: encode(p), Event: event}
}

// Body is the request body that sends d at now: for a completed job's
// event, the stored payload with download URLs signed at now by s; any
// other event, or a record from before the outbox kept the job's key (its
// payload already holds the URLs signed when the job ended), as stored. A
// nil s sends every payload as stored.
func (s *Signer) Body(d store.Delivery, now time.Time) []byte {
	if s == nil || d.Event != EventCompleted || d.KeyID == "" {
		return d.Payload
	}
	var p Payload
	if err := json.Unmarshal(d.Payload, &p); err != nil || p.ID != d.JobID {
		return d.Payload
	}
	_, audio := p.DownloadURLs[AudioLink]
	p.DownloadURLs = s.URLs(d.JobID, d.KeyID, now)
	if audio {
		p.DownloadURLs[AudioLink] = s.AudioURL(d.JobID, d.KeyID, now)
	}
	return encode(p)
}

// encode marshals p, which cannot fail: strings, times and RawMessage that
// came from the store.
func encode(p Payload) []byte {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}
