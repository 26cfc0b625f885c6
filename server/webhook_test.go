//go:build whisper

package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// TestWebhookLifecycle: a callback that fails once is retried and
// delivered; the job object and the deliveries endpoint show the attempts;
// a manual redelivery resends the same event; a canceled job sends nothing.
func TestWebhookLifecycle(t *testing.T) {
	h := newHarness(t, harnessOpts{allowPrivat: true})
	rcv := e2e.NewReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			http.Error(w, "not yet", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"language": "en", "callback_url": rcv.URL + "/hook", "callback_secret": secret})
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	second := rcv.Wait(t, 2, 60*time.Second)
	first := rcv.All()[0]
	if first.Header.Get("webhook-id") != second.Header.Get("webhook-id") || second.Header.Get("webhook-id") == "" {
		t.Errorf("webhook-id differs between attempts: %q, %q", first.Header.Get("webhook-id"), second.Header.Get("webhook-id"))
	}
	if err := webhook.Verify(secret, second.Header, second.Body, time.Minute, time.Now()); err != nil {
		t.Errorf("signature: %v", err)
	}
	if !strings.Contains(string(second.Body), `"status":"completed"`) || !strings.Contains(string(second.Body), "export.srt?expires=") {
		t.Errorf("payload = %s", second.Body)
	}

	j := h.wait(h.userKey, id, 10*time.Second, func(j map[string]any) bool {
		w, _ := j["webhook"].(map[string]any)
		return w != nil && w["state"] == "delivered"
	})
	w := j["webhook"].(map[string]any)
	if w["attempts"] != float64(2) || w["last_status"] != float64(204) || w["url"] != rcv.URL+"/hook" {
		t.Errorf("webhook = %v, want delivered after 2 attempts, last 204", w)
	}
	if strings.Contains(string(h.do(http.MethodGet, "/v1/transcriptions/"+id, h.userKey, "", nil).body), secret) {
		t.Error("the job object shows the callback secret")
	}

	ds := h.do(http.MethodGet, "/v1/transcriptions/"+id+"/deliveries", h.userKey, "", nil)
	if ds.status != http.StatusOK {
		t.Fatalf("deliveries: %d %s", ds.status, ds.body)
	}
	data := ds.json(t)["data"].([]any)
	if len(data) != 1 {
		t.Fatalf("deliveries = %s, want one event", ds.body)
	}
	d := data[0].(map[string]any)
	attempts := d["attempts"].([]any)
	if len(attempts) != 2 || d["event"] != "transcription.completed" || d["state"] != "delivered" {
		t.Errorf("delivery = %v", d)
	} else if a := attempts[0].(map[string]any); a["status_code"] != float64(500) || !strings.Contains(a["response_body"].(string), "not yet") {
		t.Errorf("first attempt = %v, want 500 with the response body", a)
	}

	// Manual redelivery: same webhook-id again.
	if r := h.do(http.MethodPost, "/v1/transcriptions/"+id+"/deliveries", h.userKey, "", nil); r.status != http.StatusAccepted {
		t.Fatalf("redeliver: %d %s", r.status, r.body)
	}
	if third := rcv.Wait(t, 3, 10*time.Second); third.Header.Get("webhook-id") != first.Header.Get("webhook-id") {
		t.Errorf("redelivery webhook-id %q, want %q", third.Header.Get("webhook-id"), first.Header.Get("webhook-id"))
	}

	// Another key cannot see or redeliver it.
	_, other, _ := newKey(h, "other")
	if r := h.do(http.MethodGet, "/v1/transcriptions/"+id+"/deliveries", other, "", nil); r.status != http.StatusNotFound {
		t.Errorf("other key deliveries: %d", r.status)
	}

	// A canceled job announces nothing.
	r = h.upload(h.userKey, jfk(t, 8), map[string]string{"language": "en", "callback_url": rcv.URL + "/canceled"})
	cid := r.json(t)["id"].(string)
	h.wait(h.userKey, cid, 30*time.Second, func(j map[string]any) bool { return j["stage"] == "transcribing" })
	h.do(http.MethodDelete, "/v1/transcriptions/"+cid, h.userKey, "", nil)
	h.wait(h.userKey, cid, 10*time.Second, terminal)
	// The transaction that ended the job wrote no delivery (the outbox is
	// written there or never), so none can be sent later.
	if ds, err := h.st.DeliveriesForJob(cid); err != nil || len(ds) != 0 {
		t.Errorf("deliveries of the canceled job = %v, %v; want none", ds, err)
	}
	calls := rcv.All()
	for _, c := range calls {
		if c.Header.Get("X-InstantTranscriber-Event") == "" {
			t.Errorf("callback without an event header")
		}
	}
	if n := len(calls); n != 3 {
		t.Errorf("%d callbacks, want 3 (none for the canceled job)", n)
	}
	if r := h.do(http.MethodPost, "/v1/transcriptions/"+cid+"/deliveries", h.userKey, "", nil); r.status != http.StatusConflict {
		t.Errorf("redeliver with no event: %d %s, want 409", r.status, r.body)
	}
}
