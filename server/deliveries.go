package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// webhookSummary is the job object's "webhook" field: the state of the
// latest callback.
type webhookSummary struct {
	URL        string `json:"url"`
	State      string `json:"state"`
	Attempts   int    `json:"attempts"`
	LastStatus *int   `json:"last_status"`
}

// attemptResponse is one delivery attempt.
type attemptResponse struct {
	At           time.Time `json:"at"`
	StatusCode   *int      `json:"status_code"`
	DurationMS   float64   `json:"duration_ms"`
	Error        string    `json:"error,omitempty"`
	ResponseBody string    `json:"response_body,omitempty"`
}

// deliveryResponse is one webhook event and its attempts.
type deliveryResponse struct {
	ID        string            `json:"id"`
	WebhookID string            `json:"webhook_id"`
	Event     string            `json:"event"`
	URL       string            `json:"url"`
	State     string            `json:"state"`
	NextAt    *time.Time        `json:"next_attempt_at"`
	CreatedAt time.Time         `json:"created_at"`
	Attempts  []attemptResponse `json:"attempts"`
}

func toDeliveryResponse(d store.Delivery) deliveryResponse {
	r := deliveryResponse{
		ID:        d.ID,
		WebhookID: d.EventID,
		Event:     d.Event,
		URL:       d.URL,
		State:     d.Status,
		CreatedAt: d.CreatedAt.UTC(),
		Attempts:  make([]attemptResponse, 0, len(d.Attempts)),
	}
	if d.Status == store.DeliveryPending {
		t := d.NextAt.UTC()
		r.NextAt = &t
	}
	for _, a := range d.Attempts {
		ar := attemptResponse{
			At:           a.At.UTC(),
			DurationMS:   float64(a.Duration.Microseconds()) / 1000,
			Error:        a.Error,
			ResponseBody: a.ResponseBody,
		}
		if a.StatusCode != 0 {
			code := a.StatusCode
			ar.StatusCode = &code
		}
		r.Attempts = append(r.Attempts, ar)
	}
	return r
}

// summarize returns the job object's webhook field from the job's
// deliveries (latest last), or nil when it has none.
func summarize(ds []store.Delivery) *webhookSummary {
	if len(ds) == 0 {
		return nil
	}
	d := ds[len(ds)-1]
	w := &webhookSummary{URL: d.URL, State: d.Status, Attempts: d.Attempt}
	if n := len(d.Attempts); n > 0 && d.Attempts[n-1].StatusCode != 0 {
		code := d.Attempts[n-1].StatusCode
		w.LastStatus = &code
	}
	return w
}

// listDeliveries shows every webhook event of a job with all its attempts.
func (s *Server) listDeliveries(c echo.Context) error {
	j, err := s.store.GetJobForKey(c.Param("id"), keyOf(c).ID)
	if err != nil {
		return notFoundJob(err)
	}
	ds, err := s.store.DeliveriesForJob(j.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ds, toDeliveryResponse))
}

// redeliver queues the job's latest webhook event again, with the same
// webhook-id, so the receiver can deduplicate it. The payload is built
// again from the job as stored then: fresh download URLs, and the speaker
// names given since.
func (s *Server) redeliver(c echo.Context) error {
	j, err := s.store.GetJobForKey(c.Param("id"), keyOf(c).ID)
	if err != nil {
		return notFoundJob(err)
	}
	d, err := s.store.RedeliverWith(j.ID, func(job store.Job) []byte {
		if d := delivery.Build(job); d != nil {
			return d.Payload
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return apiErr(CodeConflict, "this transcription has no webhook event to redeliver (no callback_url, or not finished)")
	}
	if err != nil {
		return err
	}
	s.webhooks.Notify()
	return c.JSON(http.StatusAccepted, toDeliveryResponse(d))
}
