// Command benchwebhook measures the webhook outbox: deliveries per second to
// a loopback receiver, and the latency from a job's terminal transition (the
// FinishJob commit) to its first delivery attempt arriving.
//
// It runs the real store (a bbolt file in a temp dir), the real dispatcher
// and the SSRF-guarded client (private networks allowed for loopback).
//
//	go run ./scripts/benchwebhook [-n 5000] [-rate 200] [-latency-n 1000]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

func main() {
	n := flag.Int("n", 5000, "deliveries for the throughput phase")
	latencyN := flag.Int("latency-n", 1000, "jobs for the latency phase")
	rate := flag.Int("rate", 200, "terminal transitions per second in the latency phase")
	jsonPath := flag.String("json", "", "also write the figures to this file as JSON")
	flag.Parse()
	if err := run(*n, *latencyN, *rate, *jsonPath); err != nil {
		fmt.Fprintln(os.Stderr, "benchwebhook:", err)
		os.Exit(1)
	}
}

// receiver records when each job's first callback arrived.
type receiver struct {
	mu    sync.Mutex
	first map[string]time.Time
	done  chan struct{}
	want  int
}

func (r *receiver) reset(want int) {
	r.mu.Lock()
	r.first = make(map[string]time.Time, want)
	r.want = want
	r.done = make(chan struct{})
	r.mu.Unlock()
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	var p struct {
		ID string `json:"id"`
	}
	body, _ := io.ReadAll(req.Body)
	_ = json.Unmarshal(body, &p)
	r.mu.Lock()
	if _, seen := r.first[p.ID]; !seen {
		r.first[p.ID] = now
		if len(r.first) == r.want {
			close(r.done)
		}
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// finish creates, claims and finishes one job with a callback delivery,
// returning the time the terminal transition committed.
func finish(st *store.Store, url string) (string, time.Time, error) {
	j, _, err := st.CreateJob(store.Job{KeyID: "bench", CallbackURL: url, CallbackSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, store.CreateLimits{})
	if err != nil {
		return "", time.Time{}, err
	}
	if j, err = st.ClaimNext(); err != nil {
		return "", time.Time{}, err
	}
	payload, _ := json.Marshal(map[string]string{"id": j.ID, "status": "completed"})
	_, err = st.FinishJob(j.ID, store.Outcome{
		Status: store.Completed,
		Deliver: func(store.Job) *store.Delivery {
			return &store.Delivery{Payload: payload, Event: "transcription.completed"}
		},
	})
	return j.ID, time.Now(), err
}

func run(n, latencyN, rate int, jsonPath string) error {
	dir, err := os.MkdirTemp("", "benchwebhook")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "bench.db"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()

	logger := slog.New(slog.DiscardHandler)
	client := netguard.NewClient(netguard.Config{AllowPrivateNetworks: true})
	cfg := webhook.DefaultConfig()

	// Phase 1: throughput. n finished jobs wait in the outbox; then the
	// dispatcher starts and drains it.
	rcv.reset(n)
	for range n {
		if _, _, err := finish(st, srv.URL+"/hook"); err != nil {
			return err
		}
	}
	d := webhook.New(cfg, st, client, logger)
	start := time.Now()
	if err := d.Start(context.Background()); err != nil {
		return err
	}
	select {
	case <-rcv.done:
	case <-time.After(5 * time.Minute):
		return fmt.Errorf("throughput phase: only %d of %d delivered", len(rcv.first), n)
	}
	elapsed := time.Since(start)
	perSec := float64(n) / elapsed.Seconds()

	// Phase 2: latency. Jobs finish at a steady rate while the dispatcher
	// runs; the worker's FinishJob is followed by Notify, as in serve.
	rcv.reset(latencyN)
	finished := make(map[string]time.Time, latencyN)
	tick := time.NewTicker(time.Second / time.Duration(rate))
	for range latencyN {
		<-tick.C
		id, at, err := finish(st, srv.URL+"/hook")
		if err != nil {
			return err
		}
		d.Notify()
		finished[id] = at
	}
	tick.Stop()
	select {
	case <-rcv.done:
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("latency phase: only %d of %d delivered", len(rcv.first), latencyN)
	}
	if err := d.Stop(context.Background()); err != nil {
		return err
	}
	lat := make([]time.Duration, 0, latencyN)
	rcv.mu.Lock()
	for id, at := range finished {
		lat = append(lat, rcv.first[id].Sub(at))
	}
	rcv.mu.Unlock()
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }

	fmt.Printf("throughput: %d deliveries in %v = %.0f deliveries/s (goal >= 500: %s)\n",
		n, elapsed.Round(time.Millisecond), perSec, verdict(perSec >= 500))
	fmt.Printf("latency terminal -> first attempt, %d jobs at %d/s: p50 %v, p99 %v, max %v (goal p50 < 50ms: %s)\n",
		latencyN, rate, p(0.50).Round(10*time.Microsecond), p(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond), verdict(p(0.50) < 50*time.Millisecond))
	if jsonPath != "" {
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		b, err := json.MarshalIndent(map[string]any{
			"deliveries": n, "elapsed_s": elapsed.Seconds(), "deliveries_per_s": perSec,
			"latency_jobs": latencyN, "latency_rate": rate,
			"latency_p50_ms": ms(p(0.50)), "latency_p99_ms": ms(p(0.99)), "latency_max_ms": ms(lat[len(lat)-1]),
		}, "", " ")
		if err != nil {
			return err
		}
		return os.WriteFile(jsonPath, append(b, '\n'), 0o644)
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}
