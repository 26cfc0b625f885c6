package metrics

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// scrape serves h one GET /metrics and returns the samples by series (name
// and labels as written).
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return parse(t, rec.Body.String())
}

func parse(t *testing.T, body string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for line := range strings.SplitSeq(body, "\n") {
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

// check compares the series of want with got.
func check(t *testing.T, got, want map[string]float64) {
	t.Helper()
	for series, w := range want {
		if g, ok := got[series]; !ok {
			t.Errorf("%s missing", series)
		} else if g != w {
			t.Errorf("%s = %v, want %v", series, g, w)
		}
	}
}

func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "test.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestJobs(t *testing.T) {
	m := New(discard())
	j := m.Jobs()
	j.SetWorkers(2)
	j.JobCreated(SourceUpload)
	j.JobCreated(SourceUpload)
	j.JobCreated(SourceURL)
	j.JobStarted()
	j.JobStarted()
	j.JobEnded()
	j.JobFinished("completed", 30*time.Second, time.Minute)
	j.JobFinished("failed", time.Hour, 0) // no processing sample
	j.JobFinished("canceled", 0, 0)

	check(t, scrape(t, m.Handler()), map[string]float64{
		`instanttranscriber_workers_total`:                            2,
		`instanttranscriber_workers_busy`:                             1,
		`instanttranscriber_jobs_created_total{source="upload"}`:      2,
		`instanttranscriber_jobs_created_total{source="url"}`:         1,
		`instanttranscriber_jobs_finished_total{status="completed"}`:  1,
		`instanttranscriber_jobs_finished_total{status="failed"}`:     1,
		`instanttranscriber_jobs_finished_total{status="canceled"}`:   1,
		`instanttranscriber_job_processing_seconds_count`:             1,
		`instanttranscriber_job_processing_seconds_sum`:               30,
		`instanttranscriber_job_processing_seconds_bucket{le="20"}`:   0,
		`instanttranscriber_job_processing_seconds_bucket{le="30"}`:   1,
		`instanttranscriber_job_processing_seconds_bucket{le="7200"}`: 1,
		`instanttranscriber_audio_seconds_processed_total`:            60,
		`instanttranscriber_realtime_factor_count`:                    1,
		`instanttranscriber_realtime_factor_sum`:                      0.5,
		`instanttranscriber_realtime_factor_bucket{le="0.3"}`:         0,
		`instanttranscriber_realtime_factor_bucket{le="0.5"}`:         1,
	})
}

func TestWebhooksAndHTTP(t *testing.T) {
	m := New(discard())
	m.Webhooks().WebhookAttempt(AttemptRetry)
	m.Webhooks().WebhookAttempt(AttemptDelivered)
	m.HTTP().ObserveRequest("/v1/transcriptions/:id", http.MethodGet, 200, 20*time.Millisecond)
	m.HTTP().ObserveRequest(RouteUnmatched, "PROPFIND", 404, time.Millisecond)

	check(t, scrape(t, m.Handler()), map[string]float64{
		`instanttranscriber_webhook_attempts_total{result="delivered"}`:                                                   1,
		`instanttranscriber_webhook_attempts_total{result="retry"}`:                                                       1,
		`instanttranscriber_webhook_attempts_total{result="failed"}`:                                                      0,
		`instanttranscriber_http_requests_total{code="200",method="GET",route="/v1/transcriptions/:id"}`:                  1,
		`instanttranscriber_http_requests_total{code="404",method="OTHER",route="unmatched"}`:                             1,
		`instanttranscriber_http_request_duration_seconds_bucket{method="GET",route="/v1/transcriptions/:id",le="0.025"}`: 1,
		`instanttranscriber_http_request_duration_seconds_bucket{method="GET",route="/v1/transcriptions/:id",le="0.01"}`:  0,
	})
}

// TestGoAndProcessCollectors: the registry has the runtime and process
// metrics, and is not the global default registry.
func TestGoAndProcessCollectors(t *testing.T) {
	got := scrape(t, New(discard()).Handler())
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
	// Two instances register the same names without a conflict.
	New(discard())
}

// TestStoreGauges: queue depth and outbox backlog come from a real store at
// scrape time.
func TestStoreGauges(t *testing.T) {
	st := newTestStore(t)
	m := New(discard())
	later := func() time.Time { return time.Now().Add(time.Minute) }
	m.WatchStore(st, later)
	check(t, scrape(t, m.Handler()), map[string]float64{
		`instanttranscriber_queue_depth`:                       0,
		`instanttranscriber_webhook_outbox_pending`:            0,
		`instanttranscriber_webhook_outbox_oldest_age_seconds`: 0,
	})

	// One finished job with a pending callback, one queued job.
	j, _, err := st.CreateJob(store.Job{KeyID: "k", CallbackURL: "https://rcv.example/hook"}, store.CreateLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	d := &store.Delivery{Payload: []byte(`{"id":"` + j.ID + `"}`), Event: "transcription.completed"}
	if _, err := st.FinishJob(j.ID, store.Outcome{Status: store.Completed, Deliver: func(store.Job) *store.Delivery { return d }}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateJob(store.Job{KeyID: "k"}, store.CreateLimits{}); err != nil {
		t.Fatal(err)
	}

	got := scrape(t, m.Handler())
	check(t, got, map[string]float64{
		`instanttranscriber_queue_depth`:            1,
		`instanttranscriber_webhook_outbox_pending`: 1,
	})
	if age := got[`instanttranscriber_webhook_outbox_oldest_age_seconds`]; age < 59 || age > 65 {
		t.Errorf("oldest age = %v s, want about 60 (the clock runs a minute ahead)", age)
	}
}

type failingStats struct{}

func (failingStats) Stats() (store.Stats, error) {
	return store.Stats{}, errors.New("store: stats: disk on fire")
}

// TestStoreErrorKeepsScrape: a failing store leaves its gauges out and is
// logged; the other metrics are still served.
func TestStoreErrorKeepsScrape(t *testing.T) {
	var logs bytes.Buffer
	m := New(slog.New(slog.NewTextHandler(&logs, nil)))
	m.WatchStore(failingStats{}, nil)
	got := scrape(t, m.Handler())
	if _, ok := got["instanttranscriber_queue_depth"]; ok {
		t.Error("queue_depth served although the store failed")
	}
	check(t, got, map[string]float64{`instanttranscriber_jobs_created_total{source="upload"}`: 0})
	// The handler counts the failure after serving it.
	check(t, scrape(t, m.Handler()), map[string]float64{`promhttp_metric_handler_errors_total{cause="gathering"}`: 1})
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), "component=metrics") {
		t.Errorf("log = %q, want the store error", logs.String())
	}
}

// TestCountingStore: new jobs are counted by source, an idempotent repeat
// is not, and a canceled queued job counts as finished once.
func TestCountingStore(t *testing.T) {
	m := New(discard())
	s := CountingStore{Store: newTestStore(t), Jobs: m.Jobs()}
	lim := store.CreateLimits{IdempotencyKey: "idem-1", RequestHash: "h"}
	a, _, err := s.CreateJob(store.Job{KeyID: "k"}, lim)
	if err != nil {
		t.Fatal(err)
	}
	if _, existing, err := s.CreateJob(store.Job{KeyID: "k"}, lim); err != nil || !existing {
		t.Fatalf("repeat: existing %v, %v; want the first job", existing, err)
	}
	if _, _, err := s.CreateJob(store.Job{KeyID: "k", Source: store.Source{URL: "https://a.example/a.mp3"}}, store.CreateLimits{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelJob(a.ID, "k", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelJob(a.ID, "k", nil); !errors.Is(err, store.ErrAlreadyFinished) {
		t.Fatalf("second cancel: %v, want ErrAlreadyFinished", err)
	}
	check(t, scrape(t, m.Handler()), map[string]float64{
		`instanttranscriber_jobs_created_total{source="upload"}`:    1,
		`instanttranscriber_jobs_created_total{source="url"}`:       1,
		`instanttranscriber_jobs_finished_total{status="canceled"}`: 1,
	})
}

// TestServer: the separate listener serves GET /metrics without a key, and
// nothing else.
func TestServer(t *testing.T) {
	m := New(discard())
	srv := NewServer("127.0.0.1:0", m.Handler(), discard())
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.Addr().String()
	get := func(method, path string) (int, string) {
		req, _ := http.NewRequest(method, base+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(http.MethodGet, "/metrics"); code != http.StatusOK || !strings.Contains(body, "instanttranscriber_jobs_created_total") {
		t.Errorf("GET /metrics: %d, body %.200q", code, body)
	}
	for _, c := range []struct {
		method, path string
		want         int
	}{{http.MethodGet, "/", 404}, {http.MethodGet, "/v1/keys", 404}, {http.MethodPost, "/metrics", 405}} {
		if code, _ := get(c.method, c.path); code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, code, c.want)
		}
	}
	if err := srv.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/metrics"); err == nil {
		t.Error("still serving after Stop")
	}
}
