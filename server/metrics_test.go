//go:build whisper

package server_test

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// TestMetricsAfterJob: after a real job with a webhook, /metrics (admin key)
// shows the job, its processing, the request by route template and the
// delivery.
func TestMetricsAfterJob(t *testing.T) {
	h := newHarness(t, harnessOpts{allowPrivat: true})
	rcv := e2e.NewReceiver(t, nil)

	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"language": "en", "callback_url": rcv.URL + "/hook"})
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	j := h.wait(h.userKey, id, 60*time.Second, func(j map[string]any) bool {
		w, _ := j["webhook"].(map[string]any)
		return w != nil && w["state"] == "delivered"
	})
	if j["status"] != "completed" {
		t.Fatalf("job ended %v", j["status"])
	}

	want := map[string]float64{
		`instanttranscriber_jobs_created_total{source="upload"}`:                                      1,
		`instanttranscriber_jobs_created_total{source="url"}`:                                         0,
		`instanttranscriber_jobs_finished_total{status="completed"}`:                                  1,
		`instanttranscriber_jobs_finished_total{status="failed"}`:                                     0,
		`instanttranscriber_job_processing_seconds_count`:                                             1,
		`instanttranscriber_audio_seconds_processed_total`:                                            11,
		`instanttranscriber_realtime_factor_count`:                                                    1,
		`instanttranscriber_workers_total`:                                                            1,
		`instanttranscriber_workers_busy`:                                                             0,
		`instanttranscriber_queue_depth`:                                                              0,
		`instanttranscriber_webhook_attempts_total{result="delivered"}`:                               1,
		`instanttranscriber_webhook_attempts_total{result="retry"}`:                                   0,
		`instanttranscriber_webhook_outbox_pending`:                                                   0,
		`instanttranscriber_webhook_outbox_oldest_age_seconds`:                                        0,
		`instanttranscriber_http_requests_total{code="202",method="POST",route="/v1/transcriptions"}`: 1,
	}
	// The pool counts a job just after its final commit, which the poll
	// may see first: scrape until the counts settle.
	var got map[string]float64
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		m := h.do(http.MethodGet, "/metrics", h.adminKey, "", nil)
		if m.status != http.StatusOK {
			t.Fatalf("GET /metrics (admin): %d %s", m.status, m.body)
		}
		body = string(m.body)
		got = parseMetrics(t, body)
		if diff := compareMetrics(got, want); diff == "" || time.Now().After(deadline) {
			if diff != "" {
				t.Error(diff)
			}
			break
		}
	}

	polls := got[`instanttranscriber_http_requests_total{code="200",method="GET",route="/v1/transcriptions/:id"}`]
	if polls < 1 {
		t.Errorf("no GET /v1/transcriptions/:id counted by its template; scrape:\n%s", grepMetrics(body, "http_requests_total"))
	}
	if strings.Contains(body, id) {
		t.Errorf("the scrape contains the raw job id %s", id)
	}
	if rtf := got["instanttranscriber_realtime_factor_sum"]; rtf <= 0 || rtf > 10 {
		t.Errorf("realtime_factor_sum = %v, want a ratio of processing to 11 s of audio", rtf)
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s missing: no Go or process collector", name)
		}
	}
}

// parseMetrics reads the samples of a text exposition, keyed by the series
// as written (name and labels).
func parseMetrics(t *testing.T, body string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("metrics line %q: no value", line)
		}
		out[line[:i]] = v
	}
	return out
}

// compareMetrics describes the series of want that got lacks or has with
// another value; "" when all match.
func compareMetrics(got, want map[string]float64) string {
	var b strings.Builder
	for series, w := range want {
		g, ok := got[series]
		switch {
		case !ok:
			b.WriteString("missing " + series + "\n")
		case g != w:
			b.WriteString(series + " = " + strconv.FormatFloat(g, 'g', -1, 64) + ", want " + strconv.FormatFloat(w, 'g', -1, 64) + "\n")
		}
	}
	return b.String()
}

// grepMetrics returns the lines of body that contain s.
func grepMetrics(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
