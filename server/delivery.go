package server

import (
	"encoding/json"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// callbackPayload is the body POSTed to a job's callback_url when it ends.
// The job ID plus status is the receiver's idempotency key.
type callbackPayload struct {
	ID           string            `json:"id"`
	Status       store.Status      `json:"status"`
	DownloadURLs map[string]string `json:"download_urls,omitempty"`
	Error        *errorDetail      `json:"error,omitempty"`
	Metadata     json.RawMessage   `json:"metadata,omitempty"`
}

// Delivery builds the webhook outbox record announcing that job ended with
// status, or nil when the job has no callback_url. The worker pool and the
// store's crash recovery call it through a store.DeliveryFunc.
func (s *Server) Delivery(job store.Job, status store.Status) *store.Delivery {
	if job.CallbackURL == "" {
		return nil
	}
	p := callbackPayload{ID: job.ID, Status: status, Metadata: job.Metadata}
	switch status {
	case store.Completed:
		p.DownloadURLs = s.downloadURLs(job.ID)
	case store.Failed:
		if job.Error != nil {
			p.Error = &errorDetail{Code: job.Error.Code, Message: job.Error.Message}
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		// Plain strings and RawMessage from the store cannot fail to encode.
		panic(err)
	}
	return &store.Delivery{Payload: b}
}
