package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// hookReceiver is a callback endpoint the test controls: per path it
// fails (500), hangs (holds the request until released) or accepts.
type hookReceiver struct {
	mu       sync.Mutex
	mode     map[string]string // path -> "fail" | "hang" | "ok"
	seen     map[string][]http.Header
	accepted map[string][]byte // path -> body of the first accepted request
	release  chan struct{}
}

// newHookReceiver answers each path as mode says.
func newHookReceiver(mode map[string]string) *hookReceiver {
	return &hookReceiver{mode: mode, seen: map[string][]http.Header{}, accepted: map[string][]byte{}, release: make(chan struct{})}
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.seen[r.URL.Path] = append(h.seen[r.URL.Path], r.Header.Clone())
	mode := h.mode[r.URL.Path]
	if mode == "ok" {
		if _, ok := h.accepted[r.URL.Path]; !ok {
			h.accepted[r.URL.Path] = body
		}
	}
	h.mu.Unlock()
	switch mode {
	case "ok":
		w.WriteHeader(http.StatusNoContent)
	case "hang":
		<-h.release
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "receiver down", http.StatusInternalServerError)
	}
}

func (h *hookReceiver) set(path, mode string) {
	h.mu.Lock()
	h.mode[path] = mode
	h.mu.Unlock()
}

func (h *hookReceiver) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.seen[path])
}

// TestWebhookSurvivesKill: callbacks pending (receiver failing) and in
// flight (receiver hanging) when the server is SIGKILLed are delivered after
// the restart, signed, with the same webhook-id.
func TestWebhookSurvivesKill(t *testing.T) {
	bin := testBinary(t)
	rcv := newHookReceiver(map[string]string{"/a": "hang", "/b": "fail"})
	hooks := httptest.NewServer(rcv)
	defer hooks.Close()
	defer close(rcv.release)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("RIFF\x10\x00\x00\x00WAVEfmt this is broken audio"))
	}))
	defer files.Close()

	_, addr, env := serveEnv(t,
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true",
		"INSTANTTRANSCRIBER_WEBHOOK_RETRY_SCHEDULE=0s 300ms 300ms 300ms 300ms 300ms 300ms 300ms",
		"INSTANTTRANSCRIBER_WEBHOOK_JITTER=0",
	)
	first := e2e.Start(t, bin, env, addr)
	key := first.Key
	const (
		secretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		secretB = "plain-shared-secret"
	)

	// Job A: an upload that completes; its callback hangs in flight.
	jfk, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	body, ct := e2e.Form([][2]string{{"language", "en"}, {"callback_url", hooks.URL + "/a"}, {"callback_secret", secretA}}, "jfk.wav", jfk)
	idA := e2e.Create(t, first.Base, key, ct, body)
	e2e.WaitFor(t, 60*time.Second, "callback A in flight", func() bool { return rcv.count("/a") >= 1 })
	// Job B: a URL import of broken audio, which fails; its callback keeps
	// failing, so it is pending a retry. It is created only now because
	// download workers fetch it beside A's transcription: created with A,
	// its callback would use up its retries before the kill.
	reqB, _ := json.Marshal(map[string]string{"url": files.URL + "/broken.wav", "callback_url": hooks.URL + "/b", "callback_secret": secretB})
	idB := e2e.Create(t, first.Base, key, "application/json", bytes.NewReader(reqB))

	e2e.WaitFor(t, 60*time.Second, "callback A in flight and B failing", func() bool {
		return rcv.count("/a") >= 1 && rcv.count("/b") >= 2
	})
	if err := first.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	rcv.set("/a", "ok")
	rcv.set("/b", "ok")

	second := e2e.Start(t, bin, env, addr)
	defer func() {
		second.Signal(syscall.SIGTERM)
		second.Wait()
	}()
	e2e.WaitFor(t, 30*time.Second, "both callbacks accepted after the restart", func() bool {
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		return rcv.accepted["/a"] != nil && rcv.accepted["/b"] != nil
	})

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for _, tc := range []struct {
		path, id, secret, status, event string
	}{
		{"/a", idA, secretA, "completed", "transcription.completed"},
		{"/b", idB, secretB, "failed", "transcription.failed"},
	} {
		seen := rcv.seen[tc.path]
		last := seen[len(seen)-1]
		for _, h := range seen {
			if h.Get("webhook-id") != seen[0].Get("webhook-id") {
				t.Errorf("%s: webhook-id changed across attempts: %q then %q", tc.path, seen[0].Get("webhook-id"), h.Get("webhook-id"))
			}
		}
		if err := webhook.Verify(tc.secret, last, rcv.accepted[tc.path], 5*time.Minute, time.Now()); err != nil {
			t.Errorf("%s: signature: %v", tc.path, err)
		}
		if got := last.Get("X-InstantTranscriber-Event"); got != tc.event {
			t.Errorf("%s: event %q, want %q", tc.path, got, tc.event)
		}
		var p map[string]any
		if err := json.Unmarshal(rcv.accepted[tc.path], &p); err != nil {
			t.Fatalf("%s: payload %q: %v", tc.path, rcv.accepted[tc.path], err)
		}
		if p["id"] != tc.id || p["status"] != tc.status {
			t.Errorf("%s: payload id/status = %v/%v, want %s/%s", tc.path, p["id"], p["status"], tc.id, tc.status)
		}
		if tc.status == "completed" {
			urls, _ := p["download_urls"].(map[string]any)
			if len(urls) != 4 {
				t.Errorf("completed payload download_urls = %v", p["download_urls"])
			}
		} else if e, _ := p["error"].(map[string]any); e["code"] == "" || e["code"] == nil {
			t.Errorf("failed payload error = %v", p["error"])
		}
		if strings.Contains(string(rcv.accepted[tc.path]), tc.secret) {
			t.Errorf("%s: the payload contains the callback secret", tc.path)
		}
	}
}
