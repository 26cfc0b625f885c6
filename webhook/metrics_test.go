package webhook

import (
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// countingMetrics counts WebhookAttempt calls by result.
type countingMetrics struct {
	mu sync.Mutex
	n  map[string]int
}

func (m *countingMetrics) WebhookAttempt(result string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n[result]++
}

func (m *countingMetrics) counts() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.n)
}

// TestMetricsCountAttempts: each recorded attempt is counted once, by what
// followed from it.
func TestMetricsCountAttempts(t *testing.T) {
	clock, st := clockedStore(t)
	ok := newReceiver(t, status(http.StatusNoContent))
	flaky := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusGone)
	})
	delivered := finishJob(t, st, ok.URL, "")
	failed := finishJob(t, st, flaky.URL, "")
	m := &countingMetrics{n: map[string]int{}}
	d := startDispatcher(t, testConfig(), st, nil, clock, nil, WithMetrics(m))

	waitAttempts(t, st, delivered.ID, 1)
	waitAttempts(t, st, failed.ID, 1)
	clock.Set(clock.Now().Add(time.Hour)) // the retry is due
	d.Notify()
	if got := waitAttempts(t, st, failed.ID, 2); got.Status != store.DeliveryFailed {
		t.Fatalf("after 500 then 410: %s; want failed", got.Status)
	}
	want := map[string]int{"delivered": 1, "retry": 1, "failed": 1}
	// The count follows the store's record.
	waitFor(t, "the attempts to be counted", func() bool { return maps.Equal(m.counts(), want) })
}
