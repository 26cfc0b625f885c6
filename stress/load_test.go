//go:build stress

package stress

import (
	"bytes"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// TestLoad sends STRESS_LOAD_N (default 1000; 200 with -short or
// STRESS_SHORT=1) create requests of a 1 s clip from 100 concurrent clients
// against the binary with the default limits (20 requests/s, burst 40 and
// 100 queued jobs per key), over one key per 100 requests (10 for 1000),
// each key's share sent by its own clients, so no key's queue overflows (a
// queue_full 429 asks for 30 s). Like a real client, each one polls its job
// once after the 202; polls and creates share the key's token bucket, which
// the creates alone barely drain (the server accepts a few hundred creates
// a second in all). Every response must be a 202 (200 for a poll) or a 429
// with Retry-After, and a client retries after Retry-After until it gets
// through (at most 100 tries).
// Every accepted job must complete, the goroutine count must return to its
// baseline and data_dir/audio must end empty.
func TestLoad(t *testing.T) {
	n := 1000
	if testing.Short() || os.Getenv("STRESS_SHORT") == "1" {
		n = 200
	}
	if v := os.Getenv("STRESS_LOAD_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("STRESS_LOAD_N=%q", v)
		}
	}
	const clients, maxTries = 100, 100
	nkeys := (n + 99) / 100
	s := itStart(t, "INSTANTTRANSCRIBER_LOG_LEVEL=warn")
	keys := make([]string, nkeys)
	for i := range keys {
		keys[i], _ = s.newKey(t, "load-"+strconv.Itoa(i))
	}
	clip := itClip(t)
	time.Sleep(time.Second)
	base := s.goroutines(t)
	t.Logf("baseline: %d goroutines, VmRSS %d kB", base, s.procStatusKB(t, "VmRSS"))

	var (
		accepted, limited, bad atomic.Int64
		codes                  sync.Map // 429 error code -> *atomic.Int64
		mu                     sync.Mutex
		ids                    = map[string]string{} // job id -> key
		wg                     sync.WaitGroup
		next                   = make([]atomic.Int64, nkeys) // requests taken, per key
		share                  = make([]int64, nkeys)        // requests to send, per key
	)
	for k := range share {
		share[k] = int64(n / nkeys)
		if k < n%nkeys {
			share[k]++
		}
	}
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := c % nkeys
			key := keys[k]
			for next[k].Add(1) <= share[k] {
				// send does one request until it is not a 429, checking
				// each 429's Retry-After; false on a failure.
				send := func(what string, build func() *http.Request, want int) (itResp, bool) {
					for try := 1; ; try++ {
						r, err := s.send(build())
						if err != nil {
							bad.Add(1)
							t.Errorf("%s: %v", what, err)
							return r, false
						}
						if r.Status == want {
							return r, true
						}
						ra, _ := strconv.Atoi(r.Header.Get("Retry-After"))
						if r.Status != http.StatusTooManyRequests || ra < 1 {
							bad.Add(1)
							t.Errorf("%s: %d %q Retry-After %q: %s", what, r.Status, r.Code(), r.Header.Get("Retry-After"), r.Body)
							return r, false
						}
						limited.Add(1)
						c, _ := codes.LoadOrStore(what+" "+r.Code()+" (Retry-After "+r.Header.Get("Retry-After")+")", new(atomic.Int64))
						c.(*atomic.Int64).Add(1)
						if try == maxTries {
							t.Errorf("%s: still 429 after %d tries", what, maxTries)
							return r, false
						}
						time.Sleep(time.Duration(ra) * time.Second)
					}
				}
				body, ct := e2e.Form([][2]string{{"language", "en"}}, "clip.wav", clip)
				r, ok := send("create", func() *http.Request {
					req, _ := http.NewRequest(http.MethodPost, s.Base+"/v1/transcriptions", bytes.NewReader(body.Bytes()))
					req.Header.Set("Authorization", "Bearer "+key)
					req.Header.Set("Content-Type", ct)
					return req
				}, http.StatusAccepted)
				if !ok {
					return
				}
				accepted.Add(1)
				id, _ := r.JSON()["id"].(string)
				mu.Lock()
				ids[id] = key
				mu.Unlock()
				if _, ok := send("poll", func() *http.Request {
					req, _ := http.NewRequest(http.MethodGet, s.Base+"/v1/transcriptions/"+id, nil)
					req.Header.Set("Authorization", "Bearer "+key)
					return req
				}, http.StatusOK); !ok {
					return
				}
			}
		}()
	}
	wg.Wait()
	submit := time.Since(start)
	t.Logf("submitted %d in %v: %d accepted, %d rate limited (429 + Retry-After), %d bad",
		n, submit.Round(time.Millisecond), accepted.Load(), limited.Load(), bad.Load())
	codes.Range(func(k, v any) bool {
		t.Logf("  429 %s: %d", k, v.(*atomic.Int64).Load())
		return true
	})
	if accepted.Load() != int64(n) || bad.Load() != 0 {
		t.Fatalf("accepted %d of %d, %d bad responses", accepted.Load(), n, bad.Load())
	}
	if limited.Load() == 0 && n >= 100 {
		t.Errorf("no request was rate limited: the load did not reach the limiter")
	}

	// Wait for the queues to drain: per key, no queued or processing job.
	deadline := time.Now().Add(time.Duration(n)*time.Second + 5*time.Minute)
	for {
		busy := 0
		for _, k := range keys {
			for _, st := range []string{"queued", "processing"} {
				r := s.do(t, http.MethodGet, "/v1/transcriptions?limit=1&status="+st, k, "", nil)
				if r.Status == http.StatusTooManyRequests {
					busy++
					continue
				}
				if d, _ := r.JSON()["data"].([]any); len(d) > 0 {
					busy++
				}
			}
		}
		if busy == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still queued or processing after %v", time.Since(start))
		}
		time.Sleep(2 * time.Second)
	}
	done := time.Since(start)
	completed := 0
	for id, k := range ids {
		for {
			r := s.do(t, http.MethodGet, "/v1/transcriptions/"+id, k, "", nil)
			if r.Status == http.StatusTooManyRequests {
				time.Sleep(time.Second)
				continue
			}
			if st := r.JSON()["status"]; st == "completed" {
				completed++
			} else {
				t.Errorf("job %s: %v %s", id, st, r.Body)
			}
			break
		}
	}
	t.Logf("%d of %d jobs completed in %v (%.1f jobs/s)", completed, n, done.Round(time.Second), float64(n)/done.Seconds())

	hwm := s.procStatusKB(t, "VmHWM")
	peak := s.goroutines(t)
	after := s.settleGoroutines(t, base+5, 30*time.Second)
	t.Logf("peak RSS (VmHWM) %d kB (%.0f MiB); goroutines: baseline %d, right after %d, settled %d",
		hwm, float64(hwm)/1024, base, peak, after)
	if after > base+5 {
		t.Errorf("goroutines %d after the load, baseline %d (+5 allowed): a leak", after, base)
	}
	if files := s.audioFiles(t); len(files) != 0 {
		t.Errorf("%d files left in data_dir/audio after every job ended: %v", len(files), files[:min(5, len(files))])
	}
}
