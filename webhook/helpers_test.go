package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// t0 starts every test clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clockedStore opens a store in a fresh directory on a test clock that
// stands at t0 until the test moves it.
func clockedStore(t testing.TB) (*e2e.Clock, *store.Store) {
	t.Helper()
	clock := e2e.NewClock(t0)
	return clock, openStore(t, t.TempDir(), clock)
}

// openStore opens a store file in dir with the clock (nil: real time) and
// closes it when the test ends, unless the test closed it first.
func openStore(t testing.TB, dir string, clock *e2e.Clock) *store.Store {
	t.Helper()
	opts := store.Options{Timeout: time.Second}
	if clock != nil {
		opts.Now = clock.Now
	}
	st, err := store.Open(filepath.Join(dir, "instanttranscriber.db"), opts)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// payloadFor is a webhook body with spacing and non-ASCII text, so that a
// re-encoded body would differ from it.
func payloadFor(jobID string) []byte {
	return []byte(`{"id": "` + jobID + `", "status": "completed", "metadata": {"note": "Grüße – 日本"}}`)
}

// finishJob runs a job through the real path (CreateJob, ClaimNext,
// FinishJob with a delivery) and returns its delivery.
func finishJob(t testing.TB, st store.Backend, url, secret string) store.Delivery {
	t.Helper()
	job, _, err := st.CreateJob(store.Job{KeyID: "k1", CallbackURL: url, CallbackSecret: secret}, store.CreateLimits{})
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	claimed, err := st.ClaimNext()
	if err != nil || claimed.ID != job.ID {
		t.Fatalf("ClaimNext = %s, %v; want %s", claimed.ID, err, job.ID)
	}
	out := store.Outcome{
		Status: store.Completed,
		Deliver: func(store.Job) *store.Delivery {
			return &store.Delivery{Payload: payloadFor(job.ID), Event: "transcription.completed"}
		},
	}
	if _, err := st.FinishJob(job.ID, out); err != nil {
		t.Fatalf("FinishJob: %v", err)
	}
	ds, err := st.DeliveriesForJob(job.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("DeliveriesForJob = %v, %v; want one", ds, err)
	}
	return ds[0]
}

// getDelivery reads a delivery back.
func getDelivery(t testing.TB, st store.Backend, id string) store.Delivery {
	t.Helper()
	d, err := st.GetDelivery(id)
	if err != nil {
		t.Fatalf("GetDelivery: %v", err)
	}
	return d
}

// newReceiver starts a recording webhook endpoint; respond answers the
// n-th request (from 1), and nil answers 200 "ok".
func newReceiver(t testing.TB, respond func(n int, w http.ResponseWriter, r *http.Request)) *e2e.Receiver {
	t.Helper()
	if respond == nil {
		respond = func(_ int, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }
	}
	return e2e.NewReceiver(t, respond)
}

// status answers every request with code.
func status(code int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// syncBuffer is a log sink that tests can read while the dispatcher writes.
type syncBuffer = e2e.Buffer

// testConfig is DefaultConfig with a fast poll, no jitter and a short grace.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.PollInterval = 5 * time.Millisecond
	cfg.Jitter = 0
	cfg.ShutdownGrace = 2 * time.Second
	cfg.Timeout = 5 * time.Second
	cfg.UserAgentVersion = "1.2.3"
	return cfg
}

// loopbackClient is the netguard client with private networks allowed, so
// that httptest receivers on 127.0.0.1 can be reached.
func loopbackClient() *http.Client {
	return netguard.NewClient(netguard.Config{AllowPrivateNetworks: true})
}

// startDispatcher starts a dispatcher and stops it when the test ends.
// client nil means loopbackClient; clock nil means real time.
func startDispatcher(t testing.TB, cfg Config, st Store, client *http.Client, clock *e2e.Clock, logs io.Writer, opts ...Option) *Dispatcher {
	t.Helper()
	if client == nil {
		client = loopbackClient()
	}
	if clock != nil {
		opts = append(opts, WithClock(clock.Now))
	}
	if logs == nil {
		logs = io.Discard
	}
	d := New(cfg, st, client, slog.New(slog.NewTextHandler(logs, nil)), opts...)
	e2e.StartService(t, context.Background(), d, 10*time.Second)
	return d
}

// scanStore is a Store that counts the dispatcher's scans: each one ends
// with NextDeliveryAt (scan.go). Tests wait on it instead of sleeping when
// they check that a scan sent nothing.
type scanStore struct {
	Store
	mu    sync.Mutex
	scans int
}

func newScanStore(st Store) *scanStore { return &scanStore{Store: st} }

func (s *scanStore) NextDeliveryAt() (time.Time, bool, error) {
	at, ok, err := s.Store.NextDeliveryAt()
	s.mu.Lock()
	s.scans++
	s.mu.Unlock()
	return at, ok, err
}

// startScanned starts a dispatcher with clock on a scanStore over st, and
// returns both.
func startScanned(t testing.TB, cfg Config, st Store, clock *e2e.Clock, opts ...Option) (*Dispatcher, *scanStore) {
	t.Helper()
	scans := newScanStore(st)
	return startDispatcher(t, cfg, scans, nil, clock, nil, opts...), scans
}

// waitScan returns once a scan that began after the call has ended: the
// second scan to end from now, since the first may have begun before.
func (s *scanStore) waitScan(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	want := s.scans + 2
	s.mu.Unlock()
	waitFor(t, "a dispatcher scan", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.scans >= want
	})
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitAttempts waits until the delivery has n recorded attempts and
// returns it.
func waitAttempts(t testing.TB, st *store.Store, id string, n int) store.Delivery {
	t.Helper()
	var d store.Delivery
	waitFor(t, "attempt "+strconv.Itoa(n)+" of delivery "+id, func() bool {
		d = getDelivery(t, st, id)
		return d.Attempt >= n
	})
	if d.Attempt != n {
		t.Fatalf("delivery has %d attempts; want %d", d.Attempt, n)
	}
	return d
}

// specSignature computes webhook-signature from the Standard Webhooks
// specification, independently of Sign: the key is the base64 decoding of
// what follows "whsec_", or else the secret's bytes; the signed content is
// "{id}.{timestamp}.{body}"; the value is "v1," and the base64 of its
// HMAC-SHA256.
func specSignature(t testing.TB, secret, id, timestamp string, body []byte) string {
	t.Helper()
	key := []byte(secret)
	if rest, ok := strings.CutPrefix(secret, "whsec_"); ok {
		var err error
		if key, err = base64.StdEncoding.DecodeString(rest); err != nil {
			t.Fatalf("secret %q: %v", secret, err)
		}
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
