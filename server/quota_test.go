//go:build whisper

package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/server"
)

// usageWatcher polls /v1/usage until stopped and records any reading where
// used + reserved exceeds the quota.
type usageWatcher struct {
	stop  chan struct{}
	done  chan struct{}
	reads int
	over  []string
}

func watchUsage(t *testing.T, h *harness, key string) *usageWatcher {
	w := &usageWatcher{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			default:
			}
			u, err := getUsage(h, key)
			if err != nil {
				t.Error(err)
				return
			}
			w.reads++
			if u.Used+u.Reserved > float64(u.Quota) || *u.Remaining < 0 {
				w.over = append(w.over, u.String())
			}
		}
	}()
	return w
}

// finish stops the watcher and fails the test if it saw the quota exceeded.
func (w *usageWatcher) finish(t *testing.T) {
	t.Helper()
	close(w.stop)
	<-w.done
	if len(w.over) > 0 {
		t.Errorf("/v1/usage showed used + reserved above the quota %d times of %d, first %s", len(w.over), w.reads, w.over[0])
	}
	if w.reads == 0 {
		t.Error("/v1/usage was never read")
	}
}

type usage struct {
	Used      float64  `json:"used_seconds"`
	Reserved  float64  `json:"reserved_seconds"`
	Quota     int64    `json:"quota_seconds"`
	Remaining *float64 `json:"remaining_seconds"`
}

func (u usage) String() string {
	b, _ := json.Marshal(u)
	return string(b)
}

// getUsage reads /v1/usage; safe to call from any goroutine.
func getUsage(h *harness, key string) (usage, error) {
	req, err := http.NewRequest(http.MethodGet, h.base+"/v1/usage", nil)
	if err != nil {
		return usage{}, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return usage{}, err
	}
	defer resp.Body.Close()
	var u usage
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil || resp.StatusCode != http.StatusOK || u.Remaining == nil {
		return usage{}, fmt.Errorf("GET /v1/usage: %d, %v; want 200 with remaining_seconds", resp.StatusCode, err)
	}
	return u, nil
}

// uploadAll sends n uploads of file in parallel and returns the IDs of the
// accepted jobs and the error codes of the refused ones.
func uploadAll(t *testing.T, h *harness, key string, file []byte, n int) (accepted []string, refused map[string]int) {
	t.Helper()
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	refused = map[string]int{}
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ct, body := form(t, map[string]string{"language": "en"}, "audio.wav", file)
			req, err := http.NewRequest(http.MethodPost, h.base+"/v1/transcriptions", body)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", ct)
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var out struct {
				ID    string `json:"id"`
				Error struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			b, _ := io.ReadAll(resp.Body)
			_ = json.Unmarshal(b, &out)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case resp.StatusCode == http.StatusAccepted && out.ID != "":
				accepted = append(accepted, out.ID)
			case resp.StatusCode == http.StatusPaymentRequired:
				refused[out.Error.Code]++
			default:
				t.Errorf("upload: %d %s; want 202 or 402", resp.StatusCode, b)
			}
		}()
	}
	close(start)
	wg.Wait()
	return accepted, refused
}

// TestQuotaUnderConcurrency: 20 parallel 11 s uploads against a 14 s quota
// admit exactly one, and /v1/usage never shows more than the quota, while
// jobs are queued, canceled and completed.
func TestQuotaUnderConcurrency(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	_, key, err := server.NewKey(h.st, "quota", 14.0/3600, false)
	if err != nil {
		t.Fatal(err)
	}
	file := jfk(t, 1) // 11 s
	watch := watchUsage(t, h, key)
	defer watch.finish(t)

	accepted, refused := uploadAll(t, h, key, file, 20)
	if len(accepted) != 1 || refused["quota_exceeded"] != 19 {
		t.Fatalf("accepted %d, refused %v; want 1 accepted, 19 quota_exceeded", len(accepted), refused)
	}
	if u, err := getUsage(h, key); err != nil || u.Used != 0 || u.Reserved != 11 || *u.Remaining != 3 {
		t.Errorf("usage with one job queued = %v, %v; want 11 s reserved, 3 s remaining", u, err)
	}

	// Canceling the queued job gives its seconds back.
	if r := h.do(http.MethodDelete, "/v1/transcriptions/"+accepted[0], key, "", nil); r.status != http.StatusAccepted {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	if u, err := getUsage(h, key); err != nil || u.Used != 0 || u.Reserved != 0 {
		t.Errorf("usage after the cancel = %v, %v; want nothing used or reserved", u, err)
	}

	accepted, refused = uploadAll(t, h, key, file, 20)
	if len(accepted) != 1 || refused["quota_exceeded"] != 19 {
		t.Fatalf("after the cancel: accepted %d, refused %v; want 1 accepted, 19 quota_exceeded", len(accepted), refused)
	}

	// Completing the job converts its reservation into usage.
	if err := h.pool.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.pool.Stop(context.Background()) })
	if j := h.wait(key, accepted[0], time.Minute, terminal); j["status"] != "completed" {
		t.Fatalf("job = %v; want completed", j["status"])
	}
	u, err := getUsage(h, key)
	if err != nil || u.Used < 10.9 || u.Used > 11.1 || u.Reserved != 0 {
		t.Errorf("usage after completion = %v, %v; want about 11 s used, nothing reserved", u, err)
	}
	r := h.upload(key, file, nil)
	if r.status != http.StatusPaymentRequired || r.errorCode(t) != "quota_exceeded" {
		t.Errorf("upload with 11 of 14 s used: %d %s; want 402 quota_exceeded", r.status, r.body)
	}
	if msg := r.json(t)["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "quota of 14 s: 11.0 s used and 0.0 s reserved") {
		t.Errorf("refusal message %q; want the key's figures", msg)
	}
}
