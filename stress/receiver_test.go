//go:build stress

package stress

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// hookSecret signs every callback of the suites.
const hookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// receiver is a callback endpoint that checks every signature and, while
// chaotic, answers each request at random with a 500, a hang past the
// server's timeout, or a 204. It records every accepted copy per event.
type receiver struct {
	mu       sync.Mutex
	rng      *rand.Rand
	chaos    bool
	hanging  int
	requests int
	badSig   int
	// accepted: "jobID/status" -> webhook-id of every accepted copy.
	accepted map[string][]string
	// ids: "jobID/status" -> every webhook-id seen, accepted or not.
	ids map[string]map[string]bool
}

func newReceiver(seed uint64) *receiver {
	return &receiver{rng: rand.New(rand.NewPCG(seed, 7)), chaos: true,
		accepted: map[string][]string{}, ids: map[string]map[string]bool{}}
}

func (h *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev struct{ ID, Status string }
	json.Unmarshal(body, &ev)
	event := ev.ID + "/" + ev.Status
	h.mu.Lock()
	h.requests++
	if err := webhook.Verify(hookSecret, r.Header, body, 5*time.Minute, time.Now()); err != nil {
		h.badSig++
		h.mu.Unlock()
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	if h.ids[event] == nil {
		h.ids[event] = map[string]bool{}
	}
	h.ids[event][r.Header.Get("webhook-id")] = true
	mode := "ok"
	if h.chaos {
		mode = [...]string{"fail", "hang", "ok"}[h.rng.IntN(3)]
	}
	switch mode {
	case "ok":
		h.accepted[event] = append(h.accepted[event], r.Header.Get("webhook-id"))
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case "hang":
		h.hanging++
		h.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
		h.mu.Lock()
		h.hanging--
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent) // too late: the sender gave up
	default:
		h.mu.Unlock()
		http.Error(w, "receiver failing", http.StatusInternalServerError)
	}
}

func (h *receiver) setChaos(on bool) {
	h.mu.Lock()
	h.chaos = on
	h.mu.Unlock()
}

func (h *receiver) inFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hanging
}

func (h *receiver) delivered(event string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.accepted[event]) > 0
}
