package webhook

import (
	"context"
	"github.com/instanttranscriber/instanttranscriber/e2e"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestMain starts the PostgreSQL cluster of the delivery lease tests.
func TestMain(m *testing.M) { pgtest.Main(m) }

// testLease is the delivery lease of the PostgreSQL tests; their clock
// only moves when told to, so it lapses when the test says.
const testLease = time.Minute

// pgNode is one node's store on a shared PostgreSQL database, with the
// shared test clock; it counts the deliveries it leased.
type pgNode struct {
	*store.Postgres
	leased atomic.Int64
}

// LeaseDelivery is the store's, counted.
func (n *pgNode) LeaseDelivery(id string) (store.Delivery, error) {
	d, err := n.Postgres.LeaseDelivery(id)
	if err == nil {
		n.leased.Add(1)
	}
	return d, err
}

// openNode connects one node to the database at url and closes it when
// the test ends.
func openNode(t *testing.T, url string, clock *e2e.Clock) *pgNode {
	t.Helper()
	st, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{Now: clock.Now, Lease: testLease})
	if err != nil {
		t.Fatalf("OpenPostgres: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &pgNode{Postgres: st}
}

// leasingScans is a scanStore that keeps its store's leases.
type leasingScans struct {
	*scanStore
	l Leaser
}

func (s leasingScans) LeaseDelivery(id string) (store.Delivery, error) { return s.l.LeaseDelivery(id) }

// idReceiver counts, per webhook-id, the requests a receiver got and the
// most it held at once.
type idReceiver struct {
	mu       sync.Mutex
	total    map[string]int
	open     map[string]int
	maxOpen  map[string]int
	answered map[string]int
}

func newIDReceiver() *idReceiver {
	return &idReceiver{total: map[string]int{}, open: map[string]int{}, maxOpen: map[string]int{}, answered: map[string]int{}}
}

// begin notes a request for id and returns its number for id (from 1).
func (r *idReceiver) begin(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.total[id]++
	r.open[id]++
	r.maxOpen[id] = max(r.maxOpen[id], r.open[id])
	return r.total[id]
}

func (r *idReceiver) end(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open[id]--
}

// TestLeaseOneNodeAtATime runs two dispatchers on one PostgreSQL database
// over deliveries whose receiver fails the first two attempts and accepts
// the third, retried at once: each delivery is attempted by one node at a
// time, exactly three times, with the attempts and the requests in step.
func TestLeaseOneNodeAtATime(t *testing.T) {
	const deliveries, attempts = 20, 3
	url := pgtest.Database(t)
	clock := e2e.NewClock(t0)
	a, b := openNode(t, url, clock), openNode(t, url, clock)
	ids := newIDReceiver()
	rcv := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(HeaderID)
		n := ids.begin(id)
		defer ids.end(id)
		// Long enough for the other node to scan while this one holds it.
		time.Sleep(2 * time.Millisecond)
		if n < attempts {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	var dels []store.Delivery
	for range deliveries {
		dels = append(dels, finishJob(t, a, rcv.URL, "s"))
	}
	cfg := testConfig()
	cfg.Schedule = []time.Duration{0, 0, 0}
	startDispatcher(t, cfg, a, nil, clock, nil)
	startDispatcher(t, cfg, b, nil, clock, nil)
	waitFor(t, "every delivery", func() bool {
		for _, d := range dels {
			if getDelivery(t, a, d.ID).Status == store.DeliveryPending {
				return false
			}
		}
		return true
	})
	ids.mu.Lock()
	defer ids.mu.Unlock()
	for _, d := range dels {
		got := getDelivery(t, b, d.ID)
		if got.Status != store.DeliveryDelivered || got.Attempt != attempts {
			t.Errorf("delivery %s: %s after %d attempts; want delivered after %d", d.ID, got.Status, got.Attempt, attempts)
		}
		if n := ids.total[d.EventID]; n != attempts {
			t.Errorf("delivery %s: the receiver got %d requests; want %d", d.ID, n, attempts)
		}
		if n := ids.maxOpen[d.EventID]; n != 1 {
			t.Errorf("delivery %s: %d requests at once; want one node at a time", d.ID, n)
		}
	}
	if n := a.leased.Load() + b.leased.Load(); n != deliveries*attempts {
		t.Errorf("%d leases taken; want one per attempt, %d", n, deliveries*attempts)
	}
	t.Logf("attempts leased by node a: %d, node b: %d", a.leased.Load(), b.leased.Load())
}

// TestLeaseLapsesAfterNodeDies has node a die mid-attempt (its attempt
// cancelled while the receiver holds the request, nothing recorded): node
// b leaves the delivery alone while a's lease runs, takes it once the
// lease lapses, and delivers it with the same webhook-id: at least once,
// one request per node.
func TestLeaseLapsesAfterNodeDies(t *testing.T) {
	url := pgtest.Database(t)
	clock := e2e.NewClock(t0)
	a, b := openNode(t, url, clock), openNode(t, url, clock)
	ids := newIDReceiver()
	held := make(chan struct{})
	rcv := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
		ids.begin(r.Header.Get(HeaderID))
		if n == 1 {
			close(held)
			<-r.Context().Done() // until node a is gone
		}
	})
	del := finishJob(t, a, rcv.URL, "s")

	cfgA := testConfig()
	cfgA.ShutdownGrace = time.Millisecond // dies at once
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dispA := New(cfgA, a, loopbackClient(), slog.New(slog.DiscardHandler), WithClock(clock.Now))
	if err := dispA.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-ctx.Done():
		t.Fatal("node a never sent the delivery")
	}
	// Node b runs while a holds the request; then a dies mid-attempt.
	scans := newScanStore(b)
	startDispatcher(t, testConfig(), leasingScans{scans, b}, nil, clock, nil)
	if err := dispA.Stop(ctx); err != nil {
		t.Fatalf("node a: Stop: %v", err)
	}
	if got := getDelivery(t, b, del.ID); got.Status != store.DeliveryPending || got.Attempt != 0 {
		t.Fatalf("after node a died: %s with %d attempts; want pending with none recorded", got.Status, got.Attempt)
	}

	// Until the lease lapses, node b leaves the delivery alone.
	clock.Set(t0.Add(testLease - time.Second))
	scans.waitScan(t)
	if n := rcv.Count(); n != 1 {
		t.Fatalf("the receiver got %d requests while node a's lease ran; want 1", n)
	}
	if n := b.leased.Load(); n != 0 {
		t.Fatalf("node b leased the delivery %d times while node a's lease ran", n)
	}

	clock.Set(t0.Add(testLease + time.Second))
	waitFor(t, "node b's delivery", func() bool { return getDelivery(t, b, del.ID).Status == store.DeliveryDelivered })
	got := getDelivery(t, a, del.ID)
	if got.Attempt != 1 || len(got.Attempts) != 1 || got.Attempts[0].StatusCode != http.StatusOK {
		t.Errorf("delivery: %d attempts %+v; want node b's one, 200", got.Attempt, got.Attempts)
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if n := ids.total[del.EventID]; n != 2 || rcv.Count() != 2 {
		t.Errorf("the receiver got %d requests for the event (%d in all); want 2: node a's cut off, node b's", n, rcv.Count())
	}
	if a.leased.Load() != 1 || b.leased.Load() != 1 {
		t.Errorf("leases taken: node a %d, node b %d; want one each", a.leased.Load(), b.leased.Load())
	}
}
