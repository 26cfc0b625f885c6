package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

func TestSlowHostDoesNotDelayOthers(t *testing.T) {
	st := openStore(t, t.TempDir(), nil)
	release := make(chan struct{})
	slow := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { <-release })
	fast := newReceiver(t, nil)
	// More slow deliveries than one scan page, all due before the fast
	// ones, so the scan must page past them; more fast ones than the
	// dispatcher remembers per host, so it must walk the outbox again.
	var slowIDs, fastIDs []string
	for range scanPage + 10 {
		slowIDs = append(slowIDs, finishJob(t, st, slow.URL+"/slow", "").ID)
	}
	for range aheadPerHost + 20 {
		fastIDs = append(fastIDs, finishJob(t, st, fast.URL+"/fast", "").ID)
	}
	cfg := testConfig()
	cfg.Timeout = time.Minute
	cfg.Workers = 4 // without the per-host limit the slow host would take them all
	cfg.PerHost = 2
	cfg.PollInterval = time.Hour // only Notify and freed slots drive the scans
	cfg.ShutdownGrace = 50 * time.Millisecond
	// Registered after the receivers, so it runs first: Stop abandons the
	// hung attempts, then the slow handlers are released.
	t.Cleanup(func() { close(release) })
	d := startDispatcher(t, cfg, st, nil, nil, nil)

	delivered := func(ids []string) func() bool {
		return func() bool {
			for _, id := range ids {
				if getDelivery(t, st, id).Status != store.DeliveryDelivered {
					return false
				}
			}
			return true
		}
	}
	start := time.Now()
	waitFor(t, "the fast deliveries", delivered(fastIDs))
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("%d fast deliveries took %s behind a hung host", len(fastIDs), elapsed)
	}
	// A delivery written later is found on Notify, past the hung backlog.
	late := finishJob(t, st, fast.URL+"/late", "").ID
	d.Notify()
	start = time.Now()
	waitFor(t, "the late delivery", delivered([]string{late}))
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the late delivery took %s", elapsed)
	}

	if n := slow.Count(); n != 2 {
		t.Errorf("the slow host got %d requests; want PerHost = 2 in flight", n)
	}
	// The late attempt releases its slot just after its result is
	// recorded, so wait for that; the two hung attempts stay in flight.
	waitFor(t, "two attempts in flight", func() bool { return d.InFlight() == 2 })
	for _, id := range slowIDs {
		if got := getDelivery(t, st, id); got.Status != store.DeliveryPending || got.Attempt != 0 {
			t.Fatalf("slow delivery %s: %s with %d attempts; want pending, none recorded", id, got.Status, got.Attempt)
		}
	}
}

func TestRestartSendsPendingAndAbandoned(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir, nil)
	hold := make(chan struct{})
	arrived := make(chan struct{}, 10)
	rcv := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			arrived <- struct{}{}
			<-hold
		}
	})
	t.Cleanup(func() { close(hold) })
	inFlight := finishJob(t, st, rcv.URL+"/a", "whsec_c2VjcmV0")

	cfg := testConfig()
	cfg.ShutdownGrace = 100 * time.Millisecond
	d := New(cfg, st, loopbackClient(), slog.New(slog.DiscardHandler))
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-arrived
	start := time.Now()
	if err := d.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if elapsed := time.Since(start); elapsed < cfg.ShutdownGrace || elapsed > 2*time.Second {
		t.Errorf("Stop took %s; want the %s grace", elapsed, cfg.ShutdownGrace)
	}
	if got := getDelivery(t, st, inFlight.ID); got.Status != store.DeliveryPending || got.Attempt != 0 {
		t.Fatalf("abandoned delivery: %s with %d attempts; want pending, none recorded", got.Status, got.Attempt)
	}
	// More deliveries are written while no dispatcher runs.
	pending := []string{finishJob(t, st, rcv.URL+"/b", "").ID, finishJob(t, st, rcv.URL+"/c", "").ID}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = openStore(t, dir, nil)
	startDispatcher(t, cfg, st, nil, nil, nil)
	for _, id := range append(pending, inFlight.ID) {
		waitFor(t, "delivery "+id, func() bool { return getDelivery(t, st, id).Status == store.DeliveryDelivered })
	}
	var ids []string
	for i := range rcv.Count() {
		if r := rcv.Req(i); r.Path == "/a" {
			ids = append(ids, r.Header.Get(HeaderID))
		}
	}
	if len(ids) != 2 || ids[0] != inFlight.EventID || ids[1] != inFlight.EventID {
		t.Errorf("the abandoned delivery was sent with webhook-ids %v; want %s twice", ids, inFlight.EventID)
	}
}

func TestStopWaitsForInFlight(t *testing.T) {
	st := openStore(t, t.TempDir(), nil)
	arrived := make(chan struct{}, 1)
	const delay = 300 * time.Millisecond
	rcv := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		time.Sleep(delay)
	})
	del := finishJob(t, st, rcv.URL, "")
	d := New(testConfig(), st, loopbackClient(), slog.New(slog.DiscardHandler))
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-arrived
	start := time.Now()
	if err := d.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < delay/2 {
		t.Errorf("Stop returned after %s; want it to wait for the attempt", elapsed)
	}
	if got := getDelivery(t, st, del.ID); got.Status != store.DeliveryDelivered {
		t.Errorf("after Stop the delivery is %s; want the attempt recorded as delivered", got.Status)
	}
	if err := d.Stop(context.Background()); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if err := d.Start(context.Background()); err == nil {
		t.Error("Start after Stop succeeded")
	}
}

func TestRedeliverSendsAgain(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, nil)
	del := finishJob(t, st, rcv.URL, "s")
	d := startDispatcher(t, testConfig(), st, nil, clock, nil)
	waitAttempts(t, st, del.ID, 1)
	clock.Set(t0.Add(time.Hour))
	if _, err := st.Redeliver(del.JobID); err != nil {
		t.Fatal(err)
	}
	d.Notify()
	got := waitAttempts(t, st, del.ID, 2)
	if got.Status != store.DeliveryDelivered || got.Round != 1 || got.RoundAttempts != 1 {
		t.Errorf("after redelivery: %s round %d round attempts %d; want delivered 1 1", got.Status, got.Round, got.RoundAttempts)
	}
	if a, b := rcv.Req(0).Header.Get(HeaderID), rcv.Req(1).Header.Get(HeaderID); a != b || a != del.EventID {
		t.Errorf("webhook-ids %q and %q; want %q twice", a, b, del.EventID)
	}
	if ts := rcv.Req(1).Header.Get(HeaderTimestamp); ts != strconv.FormatInt(t0.Add(time.Hour).Unix(), 10) {
		t.Errorf("redelivery timestamp %s; want the time of the new attempt", ts)
	}
}

// failingStore makes every RecordDeliveryAttempt fail.
type failingStore struct{ *store.Store }

func (failingStore) RecordDeliveryAttempt(string, store.DeliveryAttempt, store.DeliveryResult) (store.Delivery, error) {
	return store.Delivery{}, errors.New("disk full")
}

// TestRecordFailureDoesNotFlood: a delivery whose attempt cannot be
// recorded is held back for recordRetryDelay on the dispatcher's clock,
// not sent again at every scan, and sent again once the hold is over.
func TestRecordFailureDoesNotFlood(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, nil)
	finishJob(t, st, rcv.URL, "")
	d, scans := startScanned(t, testConfig(), failingStore{st}, clock)
	waitFor(t, "the first request", func() bool { return rcv.Count() == 1 })
	clock.Set(t0.Add(recordRetryDelay - time.Second))
	d.Notify()
	scans.waitScan(t)
	if n := rcv.Count(); n != 1 {
		t.Errorf("receiver got %d requests while the store failed; want 1 (held back)", n)
	}
	clock.Set(t0.Add(recordRetryDelay))
	d.Notify()
	waitFor(t, "the request after the hold", func() bool { return rcv.Count() == 2 })
}
