//go:build whisper

package jobs

import (
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// recMetrics records what the pool reports.
type recMetrics struct {
	mu       sync.Mutex
	workers  int
	busy     int
	maxBusy  int
	finished []string
}

func (m *recMetrics) SetWorkers(n int) { m.mu.Lock(); m.workers = n; m.mu.Unlock() }
func (m *recMetrics) JobStarted() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.busy++
	m.maxBusy = max(m.maxBusy, m.busy)
}
func (m *recMetrics) JobEnded() { m.mu.Lock(); m.busy--; m.mu.Unlock() }
func (m *recMetrics) JobFinished(status string, _, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finished = append(m.finished, status)
}

// TestMetricsHooks: the pool reports its size, brackets each job as busy
// and reports the terminal status once the store has it.
func TestMetricsHooks(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	job := addUpload(t, st, dir, store.Job{}, []byte("not audio\n"))
	m := &recMetrics{}
	startPool(t, testConfig(dir), st, nil, nil, WithMetrics(m))
	if got := waitFinished(t, st, job.ID); got.Status != store.Failed {
		t.Fatalf("job %s; want failed", got.Status)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		m.mu.Lock()
		workers, busy, maxBusy, finished := m.workers, m.busy, m.maxBusy, append([]string(nil), m.finished...)
		m.mu.Unlock()
		if busy == 0 && len(finished) == 1 {
			if workers != 1 || maxBusy != 1 || finished[0] != "failed" {
				t.Errorf("workers %d, max busy %d, finished %v; want 1, 1, [failed]", workers, maxBusy, finished)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("busy %d, finished %v after 5 s; want 0 and one job", busy, finished)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
