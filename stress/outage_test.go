//go:build stress

package stress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// outageScale compresses the default schedule: 1/10000, so its three days
// take 27 s and 30 hours 10.8 s.
const outageScale = 10000

// TestWebhookOutage runs the real binary with the default retry schedule
// compressed by outageScale. The receivers are down (503 without
// Retry-After, or connection refused) for a simulated 30 hours of a
// simulated 40, the server is SIGKILLed and restarted in the middle of the
// outage, then the receivers come back: every callback arrives, and the
// recorded attempts follow the schedule's spacing.
//
// It drives the real binary (not webhook.Dispatcher with an injected clock),
// so the restart reopens the real store file.
//
// Known finding: an attempt can start up to webhook.DefaultPollInterval (1 s)
// after it falls due. webhook/scan.go Dispatcher.scan sleeps
// min(PollInterval, NextDeliveryAt-now) only when NextDeliveryAt is in the
// future; the earliest due entry is often a delivery in flight (still
// pending in the store) or one that fell due during the scan (a freed-slot
// scan does not walk), and then it sleeps the whole PollInterval. The test
// counts such attempts (late_by_poll_interval) and fails on them only with
// STRESS_STRICT=1; an attempt later than that fails it always.
func TestWebhookOutage(t *testing.T) {
	bin := e2e.Binary(t, "../bin/instanttranscriber")
	sched := webhook.DefaultSchedule()
	var parts []string
	for i := range sched {
		sched[i] /= outageScale
		parts = append(parts, sched[i].String())
	}
	down := 30 * time.Hour / outageScale

	// Receiver 1 answers 503 (no Retry-After) while down.
	var mu sync.Mutex
	up := false
	seen := map[string][]string{} // job id -> webhook-id of every request
	okCount := map[string]int{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		body.ReadFrom(r.Body)
		if err := webhook.Verify(hookSecret, r.Header, body.Bytes(), 5*time.Minute, time.Now()); err != nil {
			t.Errorf("callback signature: %v", err)
		}
		id := strings.TrimPrefix(r.URL.Path, "/")
		mu.Lock()
		defer mu.Unlock()
		seen[id] = append(seen[id], r.Header.Get("webhook-id"))
		if !up {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		okCount[id]++
		w.WriteHeader(http.StatusNoContent)
	})
	hooks503 := httptest.NewServer(handler)
	defer hooks503.Close()
	// Receiver 2 refuses connections while down: nothing listens on its port.
	refusedAddr := e2e.FreeAddr(t)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("not audio"))
	}))
	defer files.Close()

	_, addr, env := e2e.Env(t, e2e.Model("../models/ggml-tiny-q8_0.bin"),
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true",
		"INSTANTTRANSCRIBER_WEBHOOK_RETRY_SCHEDULE="+strings.Join(parts, " "),
		"INSTANTTRANSCRIBER_WEBHOOK_JITTER=0",
		"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
	)
	env = append(env, newStressStore(t).env...)
	p := e2e.Start(t, bin, env, addr)
	key := p.Key

	// Three jobs: a completed transcription and a failed URL import to the
	// 503 receiver, a failed URL import to the refusing one.
	jfk, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	b, ct := e2e.Form([][2]string{{"language", "en"}, {"callback_url", hooks503.URL + "/CB1"}, {"callback_secret", hookSecret}}, "jfk.wav", jfk)
	type job struct{ id, cb, want string }
	var jobs []job
	create := func(ct string, body []byte, cb, want string) {
		var out struct{ ID string }
		code, err := e2e.Call(p.Base, key, http.MethodPost, "/v1/transcriptions", ct, bytes.NewReader(body), nil, &out)
		if err != nil || code != http.StatusAccepted {
			t.Fatalf("create: %d %v", code, err)
		}
		jobs = append(jobs, job{out.ID, cb, want})
	}
	create(ct, b.Bytes(), "CB1", "completed")
	urlJob := func(cb string) []byte {
		return fmt.Appendf(nil, `{"url":%q,"callback_url":%q,"callback_secret":%q}`, files.URL+"/x.wav", cb, hookSecret)
	}
	create("application/json", urlJob(hooks503.URL+"/CB2"), "CB2", "failed")
	create("application/json", urlJob("http://"+refusedAddr+"/CB3"), "", "failed")

	// The simulated clock starts when every job has ended (and its first
	// callback attempt has been made): transcription time on a loaded
	// machine is no part of the schedule.
	for _, j := range jobs {
		for deadline := time.Now().Add(180 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var out struct{ Status string }
			e2e.Call(p.Base, key, http.MethodGet, "/v1/transcriptions/"+j.id, "", nil, nil, &out)
			if out.Status == j.want {
				break
			}
			if out.Status == "completed" || out.Status == "failed" || time.Now().After(deadline) {
				t.Fatalf("job %s: status %q, want %s", j.id, out.Status, j.want)
			}
		}
	}
	began := time.Now()

	// The restart, in the middle of the outage (simulated ~15 h).
	time.Sleep(15 * time.Hour / outageScale)
	killAt := time.Now()
	p.Kill()
	firstLog := p.Log.String()
	p = e2e.Start(t, bin, env, addr)
	p.Key = key
	readyAt := time.Now()
	t.Logf("restarted at simulated %s, down for %s", time.Duration(killAt.Sub(began)*outageScale).Round(time.Minute), readyAt.Sub(killAt).Round(time.Millisecond))

	time.Sleep(time.Until(began.Add(down)))
	backAt := time.Now()
	mu.Lock()
	up = true
	mu.Unlock()
	ln, err := net.Listen("tcp", refusedAddr)
	if err != nil {
		t.Fatalf("reopen the refusing receiver: %v", err)
	}
	refused := httptest.NewUnstartedServer(handler)
	refused.Listener.Close()
	refused.Listener = ln
	refused.Start()
	defer refused.Close()
	t.Logf("receivers back at simulated %s", time.Duration(backAt.Sub(began)*outageScale).Round(time.Minute))

	type attempt struct {
		At         time.Time
		StatusCode *int    `json:"status_code"`
		DurationMS float64 `json:"duration_ms"`
		Error      string
	}
	type delivery struct {
		WebhookID string `json:"webhook_id"`
		State     string
		Attempts  []attempt
	}
	deliveries := func(id string) []delivery {
		var out struct{ Data []delivery }
		if _, err := e2e.Call(p.Base, key, http.MethodGet, "/v1/transcriptions/"+id+"/deliveries", "", nil, nil, &out); err != nil {
			t.Fatal(err)
		}
		return out.Data
	}
	waitUntil := time.Now().Add(time.Duration(float64(sched[len(sched)-1])*2.5) + 30*time.Second)
	for _, j := range jobs {
		for {
			ds := deliveries(j.id)
			if len(ds) == 1 && ds[0].State != "pending" {
				break
			}
			if time.Now().After(waitUntil) {
				t.Fatalf("job %s: deliveries %+v not finished\n%s", j.id, ds, e2e.Tail(p.Log.String(), 4000))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	final := map[string]delivery{}
	for _, j := range jobs {
		final[j.id] = deliveries(j.id)[0]
		if os.Getenv("STRESS_DEBUG") == "1" {
			var raw json.RawMessage
			e2e.Call(p.Base, key, http.MethodGet, "/v1/transcriptions/"+j.id+"/deliveries", "", nil, nil, &raw)
			t.Logf("deliveries %s: %s", j.id, raw)
		}
	}
	p.Stop(t)
	if os.Getenv("STRESS_DEBUG") == "1" {
		for _, l := range strings.Split(firstLog+p.Log.String(), "\n") {
			if strings.Contains(l, "webhook") || strings.Contains(l, "job") {
				t.Log(l)
			}
		}
	}

	mu.Lock()
	defer mu.Unlock()
	total, pollLate := 0, 0
	for _, j := range jobs {
		d := final[j.id]
		total += len(d.Attempts)
		if d.State != "delivered" {
			t.Errorf("job %s: delivery %s after %d attempts, want delivered", j.id, d.State, len(d.Attempts))
		}
		if j.cb != "" {
			if okCount[j.cb] != 1 {
				t.Errorf("job %s: %d accepted copies, want 1", j.id, okCount[j.cb])
			}
			for _, wid := range seen[j.cb] {
				if wid != d.WebhookID {
					t.Errorf("job %s: webhook-id %q on a request, %q recorded", j.id, wid, d.WebhookID)
				}
			}
			// Every request the receiver saw is a recorded attempt, but one
			// in flight at the kill may be lost from the record.
			if n := len(seen[j.cb]); n != len(d.Attempts) && n != len(d.Attempts)+1 {
				t.Errorf("job %s: receiver saw %d requests, %d attempts recorded", j.id, n, len(d.Attempts))
			}
		}
		// Attempt i+1 follows the end of attempt i by sched[i+1]: at most a
		// few ms early, and late by scheduling slack only, or until the
		// restarted server was ready when it fell due while it was down.
		var gaps []string
		for k := 1; k < len(d.Attempts); k++ {
			prev := d.Attempts[k-1]
			prevEnd := prev.At.Add(time.Duration(prev.DurationMS * float64(time.Millisecond)))
			due := prevEnd.Add(sched[k])
			at := d.Attempts[k].At
			late := 300 * time.Millisecond
			if !due.Before(killAt) && due.Before(readyAt) {
				late += readyAt.Sub(due)
			}
			switch {
			case at.Before(due.Add(-20 * time.Millisecond)):
				t.Errorf("job %s: attempt %d at +%s after attempt %d ended, early: schedule says %s", j.id, k+1, at.Sub(prevEnd), k, sched[k])
			case at.After(due.Add(late + webhook.DefaultPollInterval)):
				t.Errorf("job %s: attempt %d at +%s after attempt %d ended, schedule says %s", j.id, k+1, at.Sub(prevEnd), k, sched[k])
			case at.After(due.Add(late)):
				// Known: the dispatcher sleeps a whole poll interval when the
				// earliest due delivery is in flight or fell due during a
				// scan (see TestWebhookOutage's doc).
				pollLate++
				if os.Getenv("STRESS_STRICT") == "1" {
					t.Errorf("job %s: attempt %d at +%s after attempt %d ended, schedule says %s (late by a poll interval)", j.id, k+1, at.Sub(prevEnd), k, sched[k])
				}
			}
			gaps = append(gaps, fmt.Sprintf("%s/%s", at.Sub(prevEnd).Round(time.Millisecond), sched[k].Round(time.Millisecond)))
			if prev.StatusCode != nil && *prev.StatusCode < 300 {
				t.Errorf("job %s: attempt %d succeeded but attempt %d followed", j.id, k, k+1)
			}
		}
		last := d.Attempts[len(d.Attempts)-1]
		if last.StatusCode == nil || *last.StatusCode >= 300 {
			t.Errorf("job %s: last attempt %+v, want a 2xx", j.id, last)
		}
		if len(d.Attempts) < 7 {
			t.Errorf("job %s: %d attempts, want at least 7 during a 30 h outage", j.id, len(d.Attempts))
		}
		if testing.Verbose() {
			for _, a := range d.Attempts {
				code := 0
				if a.StatusCode != nil {
					code = *a.StatusCode
				}
				t.Logf("  attempt at simulated %s: status %d err %q", time.Duration(a.At.Sub(began)*outageScale).Round(time.Minute), code, a.Error)
			}
		}
		t.Logf("job %s (%s, receiver %s): %d attempts, gaps actual/scheduled %v", j.id, j.want, map[bool]string{true: "503", false: "refusing"}[j.cb != ""], len(d.Attempts), gaps)
	}
	t.Logf("SUMMARY outage: store=%s jobs=%d delivered=%d attempts=%d late_by_poll_interval=%d scale=1/%d restart_down=%s elapsed=%s",
		storeName(), len(jobs), len(final), total, pollLate, outageScale, readyAt.Sub(killAt).Round(time.Millisecond), time.Since(began).Round(time.Second))
	fmt.Printf("SUMMARY outage: store=%s jobs=%d attempts=%d late_by_poll_interval=%d scale=1/%d elapsed=%s\n", storeName(), len(jobs), total, pollLate, outageScale, time.Since(began).Round(time.Second))
}
