//go:build whisper

package server_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAudioEndpoint serves retained audio by key and by signed URL, with
// Range support, and refuses audio that was not kept with not_found.
func TestAudioEndpoint(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	wav := jfk(t, 1)
	kept := h.upload(h.userKey, wav, map[string]string{"language": "en", "retain_audio": "true"})
	dropped := h.upload(h.userKey, wav, map[string]string{"language": "en"})
	if kept.status != http.StatusAccepted || dropped.status != http.StatusAccepted {
		t.Fatalf("create: %d %s / %d %s", kept.status, kept.body, dropped.status, dropped.body)
	}
	keptID, droppedID := kept.json(t)["id"].(string), dropped.json(t)["id"].(string)
	j := h.wait(h.userKey, keptID, 60*time.Second, terminal)
	d := h.wait(h.userKey, droppedID, 60*time.Second, terminal)
	if j["status"] != "completed" || d["status"] != "completed" {
		t.Fatalf("jobs ended %v and %v", j["status"], d["status"])
	}

	path := "/v1/transcriptions/" + keptID + "/audio"
	full := h.do(http.MethodGet, path, h.userKey, "", nil)
	if full.status != http.StatusOK || full.header.Get("Content-Type") != "audio/wav" || !bytes.Equal(full.body, wav) {
		t.Fatalf("GET audio by key: %d %q, %d bytes; want 200 audio/wav with the %d uploaded bytes",
			full.status, full.header.Get("Content-Type"), len(full.body), len(wav))
	}
	if full.header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("Accept-Ranges = %q, want bytes", full.header.Get("Accept-Ranges"))
	}

	signed, _ := j["download_urls"].(map[string]any)["audio"].(string)
	if !strings.Contains(signed, "/v1/transcriptions/"+keptID+"/audio?") || !strings.Contains(signed, "sig=") {
		t.Fatalf("download_urls.audio = %q, want a signed audio URL", signed)
	}
	part := h.do(http.MethodGet, signed, "", "", nil, "Range", "bytes=1000-1999")
	if part.status != http.StatusPartialContent || !bytes.Equal(part.body, wav[1000:2000]) {
		t.Errorf("ranged GET by signed URL: %d, %d bytes; want 206 with bytes 1000-1999", part.status, len(part.body))
	}
	if got, want := part.header.Get("Content-Range"), "bytes 1000-1999/"+strconv.Itoa(len(wav)); got != want {
		t.Errorf("Content-Range = %q, want %q", got, want)
	}
	// An export's signature does not open the audio, nor the other way.
	txt := j["download_urls"].(map[string]any)["txt"].(string)
	swapped := strings.Replace(txt, "/export.txt?", "/audio?", 1)
	if got := h.do(http.MethodGet, swapped, "", "", nil); got.status != http.StatusForbidden || got.errorCode(t) != "forbidden" {
		t.Errorf("txt signature on the audio: %d %s, want 403 forbidden", got.status, got.body)
	}
	// Another key does not see the job.
	_, other, err := newKey(h, "other")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.do(http.MethodGet, path, other, "", nil); got.status != http.StatusNotFound {
		t.Errorf("audio with another key: %d, want 404", got.status)
	}

	// Audio that was not retained: no URL, and a 404 that says why.
	if _, ok := d["download_urls"].(map[string]any)["audio"]; ok {
		t.Errorf("download_urls of a job without retained audio lists audio: %v", d["download_urls"])
	}
	gone := h.do(http.MethodGet, "/v1/transcriptions/"+droppedID+"/audio", h.userKey, "", nil)
	if gone.status != http.StatusNotFound || gone.errorCode(t) != "not_found" || !strings.Contains(string(gone.body), "not retained") {
		t.Errorf("audio not retained: %d %s, want 404 not_found saying it was not retained", gone.status, gone.body)
	}
}
