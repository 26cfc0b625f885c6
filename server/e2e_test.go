//go:build whisper

package server_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// TestUploadToExports is the main path: upload, poll to completed, read the
// text, fetch every export by bearer key and by signed URL.
func TestUploadToExports(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"language": "en", "metadata": `{"crm_id": 42}`})
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	created := r.json(t)
	id := created["id"].(string)
	if loc := r.header.Get("Location"); !strings.HasSuffix(loc, "/v1/transcriptions/"+id) || !strings.HasPrefix(loc, "http") {
		t.Errorf("Location = %q, want the absolute job URL", loc)
	}
	if created["status"] != "queued" || created["metadata"].(map[string]any)["crm_id"] != float64(42) {
		t.Errorf("created job = %s", r.body)
	}

	j := h.wait(h.userKey, id, 60*time.Second, terminal)
	if j["status"] != "completed" {
		t.Fatalf("job ended %v: %v", j["status"], j["error"])
	}
	if text, _ := j["text"].(string); !strings.Contains(strings.ToLower(text), jfkPhrase) {
		t.Errorf("text = %q, want %q", text, jfkPhrase)
	}
	if segs, _ := j["segments"].([]any); len(segs) == 0 {
		t.Error("completed job has no segments")
	}
	if j["progress"] != float64(100) || j["language"] != "en" || j["audio_duration"] != float64(11) {
		t.Errorf("progress/language/duration = %v/%v/%v", j["progress"], j["language"], j["audio_duration"])
	}
	// The worker deletes the audio just after the job's final commit.
	audioFile := h.dir + "/audio/" + id + ".audio"
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(audioFile); os.IsNotExist(err) {
			break
		} else if time.Now().After(deadline) {
			t.Errorf("audio file still there after completion (err %v)", err)
			break
		}
	}

	// Usage is charged on completion.
	u := h.do(http.MethodGet, "/v1/usage", h.userKey, "", nil).json(t)
	if used := u["used_seconds"].(float64); used < 10.9 || used > 11.1 {
		t.Errorf("used_seconds = %v, want 11", used)
	}

	urls := j["download_urls"].(map[string]any)
	wantType := map[string]string{
		"txt":  "text/plain; charset=utf-8",
		"srt":  "application/x-subrip; charset=utf-8",
		"vtt":  "text/vtt; charset=utf-8",
		"json": "application/json",
	}
	for format, ct := range wantType {
		signed, _ := urls[format].(string)
		if !strings.Contains(signed, "sig=") || !strings.Contains(signed, "expires=") {
			t.Fatalf("download url %s = %q, want a signed URL", format, signed)
		}
		bySig := h.do(http.MethodGet, signed, "", "", nil)
		byKey := h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export."+format, h.userKey, "", nil)
		for _, got := range []response{bySig, byKey} {
			if got.status != http.StatusOK || got.header.Get("Content-Type") != ct {
				t.Errorf("export %s: %d %q, want 200 %q", format, got.status, got.header.Get("Content-Type"), ct)
			}
			if !strings.Contains(strings.ToLower(string(got.body)), "ask not what your country") {
				t.Errorf("export %s body = %q", format, got.body)
			}
		}
		if format == "vtt" && !strings.HasPrefix(string(bySig.body), "WEBVTT") {
			t.Errorf("vtt export starts %q", bySig.body[:10])
		}
		if format == "srt" && !strings.Contains(string(bySig.body), " --> ") {
			t.Errorf("srt export has no cue timings: %q", bySig.body)
		}
		// A tampered signature and another format's signature are refused.
		tampered := strings.Replace(signed, "sig=", "sig=x", 1)
		if got := h.do(http.MethodGet, tampered, "", "", nil); got.status != http.StatusForbidden || got.errorCode(t) != "forbidden" {
			t.Errorf("tampered url: %d %s", got.status, got.body)
		}
	}
	swapped := strings.Replace(urls["txt"].(string), "export.txt", "export.srt", 1)
	if got := h.do(http.MethodGet, swapped, "", "", nil); got.status != http.StatusForbidden {
		t.Errorf("txt signature used for srt: %d, want 403", got.status)
	}
	// Expired after the TTL (7 days).
	h.clock.Add(7*24*time.Hour + time.Minute)
	if got := h.do(http.MethodGet, urls["txt"].(string), "", "", nil); got.status != http.StatusForbidden || !strings.Contains(string(got.body), "expired") {
		t.Errorf("expired url: %d %s", got.status, got.body)
	}

	// Delete removes the job.
	if got := h.do(http.MethodDelete, "/v1/transcriptions/"+id, h.userKey, "", nil); got.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", got.status, got.body)
	}
	if got := h.do(http.MethodGet, "/v1/transcriptions/"+id, h.userKey, "", nil); got.status != http.StatusNotFound {
		t.Errorf("get after delete: %d", got.status)
	}
}

// TestURLImport imports audio from a local HTTP server (private networks
// allowed, as a homelab would configure).
func TestURLImport(t *testing.T) {
	h := newHarness(t, harnessOpts{allowPrivat: true})
	audioSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jfk.wav" {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, jfkPath)
	}))
	defer audioSrv.Close()

	r := h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json",
		strings.NewReader(`{"url": "`+audioSrv.URL+`/jfk.wav", "language": "en"}`))
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	j := h.wait(h.userKey, id, 60*time.Second, terminal)
	if j["status"] != "completed" || !strings.Contains(strings.ToLower(j["text"].(string)), jfkPhrase) {
		t.Fatalf("url job = %v %v %v", j["status"], j["error"], j["text"])
	}
	if src := j["source"].(map[string]any); src["type"] != "url" {
		t.Errorf("source = %v", src)
	}

	// A missing file fails the job with a clear code.
	r = h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json",
		strings.NewReader(`{"url": "`+audioSrv.URL+`/missing.wav"}`))
	id = r.json(t)["id"].(string)
	j = h.wait(h.userKey, id, 30*time.Second, terminal)
	if e, _ := j["error"].(map[string]any); j["status"] != "failed" || e["code"] != "download_failed" {
		t.Errorf("missing url job = %v %v", j["status"], j["error"])
	}
}

// TestCancelRunningJob deletes a processing job: whisper aborts and the job
// ends canceled.
func TestCancelRunningJob(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.upload(h.userKey, jfk(t, 8), nil)
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	h.wait(h.userKey, id, 30*time.Second, func(j map[string]any) bool { return j["stage"] == "transcribing" })
	start := time.Now()
	d := h.do(http.MethodDelete, "/v1/transcriptions/"+id, h.userKey, "", nil)
	if d.status != http.StatusAccepted {
		t.Fatalf("cancel: %d %s", d.status, d.body)
	}
	j := h.wait(h.userKey, id, 10*time.Second, terminal)
	if j["status"] != "canceled" {
		t.Errorf("status = %v, want canceled", j["status"])
	}
	t.Logf("canceled %v after the DELETE", time.Since(start))
	// Canceled jobs cost nothing.
	if u := h.do(http.MethodGet, "/v1/usage", h.userKey, "", nil).json(t); u["used_seconds"] != float64(0) {
		t.Errorf("used_seconds = %v after a canceled job", u["used_seconds"])
	}
}
