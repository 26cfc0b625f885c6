package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// BenchmarkDispatch measures how fast a backlog drains: b.N finished jobs
// wait in the outbox of a real store, then a dispatcher with the default
// Config (so at most PerHost = 2 attempts at once to the one loopback
// receiver) delivers them, signed. Each delivery costs one HTTP round trip
// and one bbolt write transaction (an fsync), which dominates.
func BenchmarkDispatch(b *testing.B) {
	st := openStore(b, b.TempDir(), nil)
	var got atomic.Int64
	done := make(chan struct{})
	rcv := newReceiver(b, func(int, http.ResponseWriter, *http.Request) {
		if got.Add(1) == int64(b.N) {
			close(done)
		}
	})
	for range b.N {
		finishJob(b, st, rcv.URL+"/hook", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	}
	d := New(DefaultConfig(), st, loopbackClient(), slog.New(slog.DiscardHandler))
	b.ResetTimer()
	start := time.Now()
	if err := d.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("only %d of %d delivered", got.Load(), b.N)
	}
	// The last attempt is recorded after its response.
	for {
		due, err := st.DueEntries(time.Now().Add(time.Hour), store.DueEntry{}, 1)
		if err != nil {
			b.Fatal(err)
		}
		if len(due) == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if err := d.Stop(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
}
