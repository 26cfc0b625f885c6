package webhook

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
)

func TestDispatchSignsAndSends(t *testing.T) {
	tests := []struct {
		name   string
		secret string
	}{
		{"whsec secret", "whsec_dGhpcyBpcyBhIDMyIGJ5dGUgdGVzdCBrZXkgISEhIQ=="},
		{"plain secret", "plain-secret-ü"},
		{"no secret", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock, st := clockedStore(t)
			rcv := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusAccepted)
				w.Write(bytes.Repeat([]byte("r"), 3000))
			})
			var logs syncBuffer
			del := finishJob(t, st, rcv.URL+"/hook?token=query-secret", tt.secret)
			startDispatcher(t, testConfig(), st, nil, clock, &logs)

			got := waitAttempts(t, st, del.ID, 1)
			if got.Status != store.DeliveryDelivered || got.Attempts[0].StatusCode != http.StatusAccepted ||
				got.Attempts[0].ResponseBody != strings.Repeat("r", store.MaxAttemptResponseBody) || got.LastError != "" {
				t.Errorf("delivery = %s, attempts %+v; want delivered with a 202 and the first KiB of the body", got.Status, got.Attempts)
			}
			if n := rcv.Count(); n != 1 {
				t.Fatalf("receiver got %d requests; want 1", n)
			}
			req := rcv.Req(0)
			wantHeaders := map[string]string{
				"Content-Type":               "application/json",
				"User-Agent":                 "InstantTranscriber-Webhook/1.2.3",
				"X-InstantTranscriber-Event": "transcription.completed",
				"Webhook-Id":                 del.EventID,
				"Webhook-Timestamp":          strconv.FormatInt(t0.Unix(), 10),
			}
			for k, want := range wantHeaders {
				if got := req.Header.Get(k); got != want {
					t.Errorf("header %s = %q; want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(del.EventID, "msg_") || len(del.EventID) != 36 {
				t.Errorf("webhook-id %q; want msg_ and 32 hex digits", del.EventID)
			}
			if !bytes.Equal(req.Body, del.Payload) {
				t.Errorf("body = %s; want the stored payload byte for byte: %s", req.Body, del.Payload)
			}
			sig := req.Header.Get("Webhook-Signature")
			if tt.secret == "" {
				if _, ok := req.Header["Webhook-Signature"]; ok {
					t.Errorf("unsigned delivery carries webhook-signature %q", sig)
				}
				return
			}
			if want := specSignature(t, tt.secret, del.EventID, strconv.FormatInt(t0.Unix(), 10), del.Payload); sig != want {
				t.Errorf("webhook-signature = %q; want %q", sig, want)
			}
			if err := Verify(tt.secret, req.Header, req.Body, time.Minute, t0); err != nil {
				t.Errorf("Verify: %v", err)
			}
			// Nothing secret reaches the log; the host does.
			waitFor(t, "the log line", func() bool { return strings.Contains(logs.String(), "webhook delivered") })
			out := logs.String()
			for _, secret := range []string{tt.secret, sig[3:], "query-secret", "Grüße"} {
				if strings.Contains(out, secret) {
					t.Errorf("log contains %q:\n%s", secret, out)
				}
			}
			if host := strings.TrimPrefix(rcv.URL, "http://"); !strings.Contains(out, "host="+host) || !strings.Contains(out, "delivery_id="+del.ID) {
				t.Errorf("log lacks host=%s and delivery_id:\n%s", host, out)
			}
		})
	}
}

// stepRetries drives a delivery through its attempts with a test clock:
// after each recorded attempt it checks the retry time against want[i] after
// the attempt, checks that a scan just before that time sends nothing, and
// moves the clock there. scans must be the store the dispatcher uses. It returns the delivery after the
// last attempt.
func stepRetries(t *testing.T, scans *scanStore, st *store.Store, d *Dispatcher, clock *e2e.Clock, id string, want []time.Duration) store.Delivery {
	t.Helper()
	var del store.Delivery
	for i, delay := range want {
		del = waitAttempts(t, st, id, i+1)
		if del.Status != store.DeliveryPending {
			t.Fatalf("after attempt %d status %s; want pending", i+1, del.Status)
		}
		if got := del.NextAt.Sub(clock.Now()); got != delay {
			t.Fatalf("after attempt %d the retry is in %s; want %s", i+1, got, delay)
		}
		clock.Set(del.NextAt.Add(-time.Millisecond))
		d.Notify()
		scans.waitScan(t)
		if got := getDelivery(t, st, id).Attempt; got != i+1 {
			t.Fatalf("attempt %d was made before its retry time", got)
		}
		clock.Set(del.NextAt)
		d.Notify()
	}
	return del
}

func TestRetriesFollowSchedule(t *testing.T) {
	clock, st := clockedStore(t)
	const failures = 4
	rcv := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= failures {
			http.Error(w, "not yet", http.StatusInternalServerError)
		}
	})
	del := finishJob(t, st, rcv.URL+"/hook", "whsec_c2VjcmV0")
	cfg := testConfig()
	cfg.Jitter = 0.1
	// r = 0.75 stretches every delay by 5 %.
	d, scans := startScanned(t, cfg, st, clock, WithRand(func() float64 { return 0.75 }))

	var want []time.Duration
	for _, s := range DefaultSchedule()[1 : failures+1] {
		want = append(want, s+s/20)
	}
	stepRetries(t, scans, st, d, clock, del.ID, want)
	got := waitAttempts(t, st, del.ID, failures+1)
	if got.Status != store.DeliveryDelivered || got.RoundAttempts != failures+1 || len(got.Attempts) != failures+1 {
		t.Fatalf("delivery = %s, %d attempts; want delivered after %d", got.Status, got.Attempt, failures+1)
	}
	// Every attempt carried the same webhook-id and the time it was made,
	// and its record matches what the receiver saw.
	at := t0
	for i := range failures + 1 {
		req := rcv.Req(i)
		if id := req.Header.Get(HeaderID); id != del.EventID {
			t.Errorf("attempt %d webhook-id %q; want %q", i+1, id, del.EventID)
		}
		if ts := req.Header.Get(HeaderTimestamp); ts != strconv.FormatInt(at.Unix(), 10) {
			t.Errorf("attempt %d webhook-timestamp %s; want %d (%s)", i+1, ts, at.Unix(), at)
		}
		if err := Verify("whsec_c2VjcmV0", req.Header, req.Body, time.Second, at); err != nil {
			t.Errorf("attempt %d: %v", i+1, err)
		}
		a := got.Attempts[i]
		wantCode := http.StatusInternalServerError
		if i == failures {
			wantCode = http.StatusOK
		}
		if !a.At.Equal(at) || a.StatusCode != wantCode || (i < failures) != (a.Error != "") {
			t.Errorf("attempt %d recorded as %+v; want at %s with status %d", i+1, a, at, wantCode)
		}
		if i < failures {
			at = at.Add(want[i])
		}
	}
	if got.Attempts[0].Error != "http status 500 Internal Server Error" || got.Attempts[0].ResponseBody != "not yet\n" {
		t.Errorf("first attempt error %q body %q", got.Attempts[0].Error, got.Attempts[0].ResponseBody)
	}
}

func TestExhaustedFails(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, status(http.StatusInternalServerError))
	del := finishJob(t, st, rcv.URL, "")
	d, scans := startScanned(t, testConfig(), st, clock)

	schedule := DefaultSchedule()
	got := stepRetries(t, scans, st, d, clock, del.ID, schedule[1:])
	got = waitAttempts(t, st, del.ID, len(schedule))
	if got.Status != store.DeliveryFailed || !got.NextAt.IsZero() || got.LastError != "http status 500 Internal Server Error" {
		t.Errorf("after %d attempts: %+v; want failed", len(schedule), got)
	}
	var total time.Duration
	for _, s := range schedule {
		total += s
	}
	if elapsed := clock.Now().Sub(t0); elapsed != total {
		t.Errorf("the schedule spanned %s; want %s", elapsed, total)
	}
	clock.Set(clock.Now().Add(48 * time.Hour))
	d.Notify()
	scans.waitScan(t)
	if n := rcv.Count(); n != len(schedule) {
		t.Errorf("receiver got %d requests; want %d", n, len(schedule))
	}
	if due, _ := st.DueEntries(clock.Now(), store.DueEntry{}, 0); len(due) != 0 {
		t.Errorf("a failed delivery is still due")
	}
}

func TestGoneStopsRetries(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, status(http.StatusGone))
	del := finishJob(t, st, rcv.URL, "s")
	d, scans := startScanned(t, testConfig(), st, clock)
	got := waitAttempts(t, st, del.ID, 1)
	if got.Status != store.DeliveryFailed || got.Attempts[0].StatusCode != http.StatusGone {
		t.Errorf("after a 410: %s %+v; want failed", got.Status, got.Attempts)
	}
	clock.Set(t0.Add(24 * time.Hour))
	d.Notify()
	scans.waitScan(t)
	if n := rcv.Count(); n != 1 {
		t.Errorf("receiver got %d requests; want 1", n)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("Retry-After", "86400") // capped at MaxRetryAfter
			w.WriteHeader(http.StatusServiceUnavailable)
		case 3:
			w.Header().Set("Retry-After", clock.Now().Add(10*time.Minute).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		case 4:
			w.Header().Set("Retry-After", "120") // not honoured on a 500
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	del := finishJob(t, st, rcv.URL, "")
	d, scans := startScanned(t, testConfig(), st, clock)
	got := stepRetries(t, scans, st, d, clock, del.ID, []time.Duration{2 * time.Minute, time.Hour, 10 * time.Minute, 2 * time.Hour})
	if got.RoundAttempts != 4 {
		t.Fatalf("round attempts %d; want 4", got.RoundAttempts)
	}
	if got := waitAttempts(t, st, del.ID, 5); got.Status != store.DeliveryDelivered {
		t.Errorf("status %s; want delivered", got.Status)
	}
}

func TestRetryAfterKeepsAttemptLimit(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	del := finishJob(t, st, rcv.URL, "")
	cfg := testConfig()
	cfg.Schedule = []time.Duration{0, time.Hour, time.Hour}
	d, scans := startScanned(t, cfg, st, clock)
	stepRetries(t, scans, st, d, clock, del.ID, []time.Duration{time.Second, time.Second})
	if got := waitAttempts(t, st, del.ID, 3); got.Status != store.DeliveryFailed {
		t.Errorf("after 3 of 3 attempts status %s; want failed", got.Status)
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hook" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}
	})
	del := finishJob(t, st, rcv.URL+"/hook", "")
	_, scans := startScanned(t, testConfig(), st, clock)
	got := waitAttempts(t, st, del.ID, 1)
	a := got.Attempts[0]
	if got.Status != store.DeliveryPending || a.StatusCode != http.StatusFound || !strings.Contains(a.Error, "redirects are not followed") {
		t.Errorf("after a 302: %s %+v; want a failed attempt with status 302, retried", got.Status, a)
	}
	scans.waitScan(t)
	if n := rcv.Count(); n != 1 || rcv.Req(0).Path != "/hook" {
		t.Errorf("receiver got %d requests; want only the one to /hook", n)
	}
}

func TestBlockedTargetFails(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, nil)
	del := finishJob(t, st, rcv.URL+"/hook", "s")
	// The default netguard client refuses loopback.
	startDispatcher(t, testConfig(), st, netguard.NewClient(netguard.Config{}), clock, nil)
	got := waitAttempts(t, st, del.ID, 1)
	a := got.Attempts[0]
	if got.Status != store.DeliveryFailed || a.StatusCode != 0 || a.Error != BlockedTargetMessage || got.LastError != a.Error {
		t.Errorf("blocked target: %s %+v; want failed with %q recorded", got.Status, a, BlockedTargetMessage)
	}
	// The record is shown to API clients: no URL, no resolved address.
	for _, leak := range []string{"/hook", "127.0.0.1", rcv.Listener.Addr().String(), "dial"} {
		if strings.Contains(a.Error, leak) {
			t.Errorf("recorded error %q contains %q", a.Error, leak)
		}
	}
	if n := rcv.Count(); n != 0 {
		t.Errorf("receiver got %d requests; want 0", n)
	}
}

func TestConnectionErrorRetries(t *testing.T) {
	clock, st := clockedStore(t)
	rcv := newReceiver(t, nil)
	url := rcv.URL + "/hook?token=query-secret"
	rcv.Close()
	del := finishJob(t, st, url, "")
	startDispatcher(t, testConfig(), st, nil, clock, nil)
	got := waitAttempts(t, st, del.ID, 1)
	a := got.Attempts[0]
	if got.Status != store.DeliveryPending || a.StatusCode != 0 || !strings.Contains(a.Error, "connection refused") {
		t.Errorf("refused connection: %s %+v; want a retry", got.Status, a)
	}
	if strings.Contains(a.Error, "query-secret") {
		t.Errorf("recorded error %q contains the URL", a.Error)
	}
	if want := t0.Add(5 * time.Second); !got.NextAt.Equal(want) {
		t.Errorf("retry at %s; want %s", got.NextAt, want)
	}
}

func TestTimeoutRetries(t *testing.T) {
	clock, st := clockedStore(t)
	release := make(chan struct{})
	rcv := newReceiver(t, func(int, http.ResponseWriter, *http.Request) { <-release })
	t.Cleanup(func() { close(release) })
	del := finishJob(t, st, rcv.URL, "")
	cfg := testConfig()
	cfg.Timeout = 50 * time.Millisecond
	startDispatcher(t, cfg, st, nil, clock, nil)
	got := waitAttempts(t, st, del.ID, 1)
	if a := got.Attempts[0]; got.Status != store.DeliveryPending || a.Error != "timeout after 50ms" || a.Duration < 50*time.Millisecond {
		t.Errorf("timed out attempt: %s %+v; want a retry after a 50ms timeout", got.Status, a)
	}
}
