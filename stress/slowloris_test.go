//go:build stress

package stress

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// TestSlowLorisImport runs the binary with one transcription worker and
// points URL imports at servers that send headers and then trickle the body
// (a byte a second, for ever) or stall after a few bytes. An upload queued
// behind them must complete while they are still downloading, and each
// import must fail with download_timeout: the trickle on the total
// deadline, the stall on the idle one.
func TestSlowLorisImport(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for i := 0; ; i++ {
			if r.URL.Path == "/stall" && i >= 3 {
				<-r.Context().Done()
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
			if _, err := w.Write([]byte("R")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(slow.Close)

	s := itStart(t,
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true",
		"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
		"INSTANTTRANSCRIBER_WORKER_WORKERS=1",
		"INSTANTTRANSCRIBER_WORKER_DOWNLOAD_WORKERS=2",
		"INSTANTTRANSCRIBER_URL_IMPORT_IDLE_TIMEOUT=3s",
		"INSTANTTRANSCRIBER_URL_IMPORT_DOWNLOAD_TIMEOUT=30s",
	)
	key, _ := s.newKey(t, "slowloris")
	create := func(ct string, body *strings.Reader) string {
		t.Helper()
		r := s.do(t, http.MethodPost, "/v1/transcriptions", key, ct, body)
		if r.Status != http.StatusAccepted {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		return r.JSON()["id"].(string)
	}
	trickle := create("application/json", strings.NewReader(`{"url":"`+slow.URL+`/trickle"}`))
	stall := create("application/json", strings.NewReader(`{"url":"`+slow.URL+`/stall"}`))
	form, ct := e2e.Form([][2]string{{"language", "en"}}, "clip.wav", itClip(t))
	upload := create(ct, strings.NewReader(form.String()))

	start := time.Now()
	if j := s.WaitEnded(t, key, upload, 120*time.Second); j["status"] != "completed" {
		t.Fatalf("upload = %v; want completed", j)
	}
	uploadDone := time.Since(start)
	if j := s.do(t, http.MethodGet, "/v1/transcriptions/"+trickle, key, "", nil).JSON(); j["stage"] != "downloading" {
		t.Errorf("trickling import when the upload completed = %v at %v; want still downloading", j["status"], j["stage"])
	}
	for _, c := range []struct {
		id, name, message string
	}{
		{stall, "stalled", "no data for 3s"},
		{trickle, "trickling", "longer than the limit of 30s"},
	} {
		j := s.WaitEnded(t, key, c.id, 120*time.Second)
		e, _ := j["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if j["status"] != "failed" || e["code"] != "download_timeout" || !strings.Contains(msg, c.message) {
			t.Errorf("%s import = %v %v; want failed download_timeout (%s)", c.name, j["status"], e, c.message)
		}
	}
	t.Logf("upload completed %s after creation while two imports trickled; both imports failed download_timeout after %s",
		uploadDone.Round(time.Millisecond), time.Since(start).Round(time.Second))
	s.healthy(t, "slow-loris imports")
}
