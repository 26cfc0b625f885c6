package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/metrics"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// The tests in this file need no model: a real router on a real store, with
// no worker pool, and the log captured as JSON lines.

// idleJobs is a worker pool that runs nothing.
type idleJobs struct{}

func (idleJobs) Notify()            {}
func (idleJobs) Cancel(string) bool { return false }

// observed is a server under test with its log, metrics and keys.
type observed struct {
	t     *testing.T
	srv   *Server
	st    *store.Store
	logs  *bytes.Buffer
	admin string
	user  string
}

// newObserved builds a server on a fresh store; edit changes its config and
// deps before New.
func newObserved(t *testing.T, edit func(*Config, *Deps)) *observed {
	t.Helper()
	st, dir := OpenTestStore(t)
	o := &observed{t: t, st: st, logs: &bytes.Buffer{}}
	logger := slog.New(slog.NewJSONHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	cfg := DefaultConfig()
	cfg.AudioDir = filepath.Join(dir, "audio")
	cfg.RateLimit = 0
	m := metrics.New(logger)
	deps := Deps{
		Store:    metrics.CountingStore{Store: st, Jobs: m.Jobs()},
		Jobs:     idleJobs{},
		Metrics:  m,
		FreeDisk: func(string) (uint64, error) { return 1 << 40, nil },
	}
	if edit != nil {
		edit(&cfg, &deps)
	}
	var err error
	if o.srv, err = New(cfg, deps, logger); err != nil {
		t.Fatal(err)
	}
	if _, o.admin, err = NewKey(st, "admin", 0, true); err != nil {
		t.Fatal(err)
	}
	if _, o.user, err = NewKey(st, "user", 0, false); err != nil {
		t.Fatal(err)
	}
	return o
}

// do serves one request without a body; hdr holds header names and values
// in turn.
func (o *observed) do(method, target, key string, hdr ...string) *httptest.ResponseRecorder {
	o.t.Helper()
	return o.send(method, target, key, nil, hdr...)
}

// send serves one request with a body; hdr holds header names and values.
func (o *observed) send(method, target, key string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	o.t.Helper()
	req := httptest.NewRequest(method, target, body)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	o.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// lines returns the log records with message msg.
func (o *observed) lines(msg string) []map[string]any {
	o.t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(o.logs.Bytes()))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			o.t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// lastAccess returns the latest access log record.
func (o *observed) lastAccess() map[string]any {
	o.t.Helper()
	l := o.lines("http request")
	if len(l) == 0 {
		o.t.Fatalf("no access log line in:\n%s", o.logs)
	}
	return l[len(l)-1]
}

func TestRequestID(t *testing.T) {
	o := newObserved(t, nil)
	tests := []struct {
		name, sent string
		echoed     bool
	}{
		{"none", "", false},
		{"valid", "client-42.retry_1:a", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"65 characters", strings.Repeat("a", 65), false},
		{"space", "two words", false},
		{"quote", `x"y`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.sent != "" {
				hdr = []string{HeaderRequestID, tt.sent}
			}
			rec := o.do(http.MethodGet, "/healthz", "", hdr...)
			got := rec.Header().Get(HeaderRequestID)
			if tt.echoed && got != tt.sent {
				t.Errorf("X-Request-Id = %q, want the client's %q", got, tt.sent)
			}
			if !tt.echoed && (got == tt.sent || !validRequestID(got)) {
				t.Errorf("X-Request-Id = %q, want a generated one (sent %q)", got, tt.sent)
			}
			l := o.lastAccess()
			if l["request_id"] != got || l["route"] != "/healthz" || l["method"] != "GET" || l["status"] != float64(200) {
				t.Errorf("access log = %v, want request_id %q, GET /healthz 200", l, got)
			}
		})
	}
	a, b := o.do(http.MethodGet, "/healthz", ""), o.do(http.MethodGet, "/healthz", "")
	if a.Header().Get(HeaderRequestID) == b.Header().Get(HeaderRequestID) {
		t.Error("two requests got the same generated request id")
	}
}

// TestRequestIDInErrorLog: the error handler logs with the request's
// logger, so a 500 can be traced to its request.
func TestRequestIDInErrorLog(t *testing.T) {
	o := newObserved(t, nil)
	o.st.Close() // every store call now fails
	rec := o.do(http.MethodGet, "/v1/transcriptions", o.user, HeaderRequestID, "trace-500")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("with a closed store: %d %s, want 500", rec.Code, rec.Body)
	}
	failed := o.lines("request failed")
	if len(failed) != 1 || failed[0]["request_id"] != "trace-500" || failed[0]["route"] != "/v1/transcriptions" {
		t.Errorf("error log = %v, want one line with request_id trace-500", failed)
	}
	if l := o.lastAccess(); l["request_id"] != "trace-500" || l["status"] != float64(500) || l["level"] != "WARN" {
		t.Errorf("access log = %v, want request_id trace-500, status 500 at WARN", l)
	}
}

// TestAccessLogKeepsSecrets: neither the bearer key nor a signed URL's
// query reaches the log; the route is the template.
func TestAccessLogKeepsSecrets(t *testing.T) {
	o := newObserved(t, nil)
	const id = "0190b9a0-0000-7000-8000-000000000000"
	o.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.txt?expires=1&sig=c2VjcmV0LXNpZw", "")
	o.do(http.MethodGet, "/v1/transcriptions/"+id, o.user)
	logs := o.logs.String()
	for _, secret := range []string{"c2VjcmV0LXNpZw", "sig=", o.user, id} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
	l := o.lastAccess()
	if l["route"] != "/v1/transcriptions/:id" || l["status"] != float64(404) || l["key_id"] == nil {
		t.Errorf("access log = %v, want the route template, 404 and the key id", l)
	}
}

func TestMetricsEndpointAccess(t *testing.T) {
	tests := []struct {
		name                  string
		edit                  func(*Config, *Deps)
		noKey, user, adminKey int
	}{
		{"default: admin key", nil, http.StatusUnauthorized, http.StatusForbidden, http.StatusOK},
		{"open", func(c *Config, _ *Deps) { c.MetricsOpen = true }, http.StatusOK, http.StatusOK, http.StatusOK},
		{"separate listener", func(c *Config, _ *Deps) { c.MetricsSeparate = true }, http.StatusNotFound, http.StatusNotFound, http.StatusNotFound},
		{"no metrics", func(_ *Config, d *Deps) { d.Metrics = nil }, http.StatusNotFound, http.StatusNotFound, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newObserved(t, tt.edit)
			for _, c := range []struct {
				key  string
				want int
			}{{"", tt.noKey}, {o.user, tt.user}, {o.admin, tt.adminKey}} {
				rec := o.do(http.MethodGet, "/metrics", c.key)
				if rec.Code != c.want {
					t.Errorf("GET /metrics: %d, want %d", rec.Code, c.want)
				}
				if rec.Code == http.StatusOK && !strings.Contains(rec.Body.String(), "instanttranscriber_jobs_created_total") {
					t.Errorf("GET /metrics body lacks the job counter:\n%s", rec.Body)
				}
			}
		})
	}
}

// TestHTTPMetricsLabels: requests are counted by route template, unknown
// paths as "unmatched", unknown methods as OTHER; no raw path is a label.
func TestHTTPMetricsLabels(t *testing.T) {
	o := newObserved(t, nil)
	const id = "0190b9a0-0000-7000-8000-000000000000"
	o.do(http.MethodGet, "/v1/transcriptions/"+id, o.user)
	o.do(http.MethodGet, "/v1/transcriptions/"+id, o.user)
	o.do(http.MethodGet, "/no/such/"+id, "")
	o.do("BREW", "/healthz", "")
	body := o.do(http.MethodGet, "/metrics", o.admin).Body.String()
	for _, want := range []string{
		`instanttranscriber_http_requests_total{code="404",method="GET",route="/v1/transcriptions/:id"} 2`,
		`instanttranscriber_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`instanttranscriber_http_requests_total{code="405",method="OTHER",route="/healthz"} 1`,
		`instanttranscriber_http_request_duration_seconds_count{method="GET",route="/v1/transcriptions/:id"} 2`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(body, id) || strings.Contains(body, "/no/such") {
		t.Errorf("a raw path is in the scrape:\n%s", body)
	}
}

func TestReadyz(t *testing.T) {
	errDisk := errors.New("statfs: input/output error")
	tests := []struct {
		name string
		edit func(*Config, *Deps)
		want int
	}{
		{"ready", nil, http.StatusOK},
		{"low disk", func(c *Config, d *Deps) {
			d.FreeDisk = func(string) (uint64, error) { return uint64(c.MinFreeDisk) - 1, nil }
		}, http.StatusServiceUnavailable},
		{"disk check fails", func(_ *Config, d *Deps) {
			d.FreeDisk = func(string) (uint64, error) { return 0, errDisk }
		}, http.StatusServiceUnavailable},
		{"disk check off", func(c *Config, d *Deps) {
			c.MinFreeDisk = 0
			d.FreeDisk = func(string) (uint64, error) { return 0, errDisk }
		}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var checked string
			o := newObserved(t, func(c *Config, d *Deps) {
				if tt.edit != nil {
					tt.edit(c, d)
				}
				free := d.FreeDisk
				d.FreeDisk = func(p string) (uint64, error) { checked = p; return free(p) }
			})
			rec := o.do(http.MethodGet, "/readyz", "")
			if rec.Code != tt.want {
				t.Fatalf("GET /readyz: %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
			if tt.want != http.StatusOK && !strings.Contains(rec.Body.String(), `"code":"unavailable"`) {
				t.Errorf("body %s, want code unavailable", rec.Body)
			}
			if checked != "" && checked != o.srv.cfg.AudioDir {
				t.Errorf("free space measured on %q, want the audio dir %q", checked, o.srv.cfg.AudioDir)
			}
		})
	}

	t.Run("store not writable", func(t *testing.T) {
		o := newObserved(t, nil)
		o.st.Close()
		if rec := o.do(http.MethodGet, "/readyz", ""); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("GET /readyz with a closed store: %d %s, want 503", rec.Code, rec.Body)
		}
	})
}

// TestFreeDisk: the real statfs reports some free space on the test's
// temporary directory, and an error for a missing one.
func TestFreeDisk(t *testing.T) {
	if n, err := freeDisk(t.TempDir()); err != nil || n == 0 {
		t.Errorf("freeDisk(temp dir) = %d, %v; want some free bytes", n, err)
	}
	if _, err := freeDisk(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("freeDisk(missing dir): no error")
	}
}
