package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/metrics"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/store"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

const (
	jfkPath   = "../testdata/jfk.wav"
	jfkPhrase = "ask not what your country can do for you"
)

// harness is a real server on a real listener with a real store file and,
// built with the whisper tag, a real worker pool on the real model.
type harness struct {
	t        *testing.T
	base     string
	st       *store.Store
	srv      *server.Server
	pool     *jobs.Pool
	hooks    *webhook.Dispatcher
	metrics  *metrics.Metrics
	clock    *server.TestClock // the server's: signed URL expiry, rate limits
	adminKey string
	userKey  string
	dir      string
}

type harnessOpts struct {
	cfg      func(*server.Config)
	poolOpts []jobs.Option
	// noPool builds the worker pool (on the model, with the whisper tag)
	// but starts neither it nor the webhook dispatcher: jobs stay queued
	// until the test starts h.pool.
	noPool      bool
	allowPrivat bool
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	st, dir := server.OpenTestStore(t)

	cfg := server.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.AudioDir = filepath.Join(dir, "audio")
	cfg.AllowPrivateNetworks = o.allowPrivat
	cfg.RateLimit = 0
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	logger := slog.New(slog.DiscardHandler)
	h := &harness{t: t, st: st, clock: &server.TestClock{}, dir: dir, metrics: metrics.New(logger)}
	h.metrics.WatchStore(st, nil)

	wcfg := jobs.DefaultConfig()
	wcfg.Workers = 1
	wcfg.ThreadsPerJob = 2
	wcfg.BeamSize = 1
	wcfg.AudioDir = cfg.AudioDir
	wcfg.ProgressInterval = 100 * time.Millisecond
	wcfg.PollInterval = 100 * time.Millisecond
	wcfg.ShutdownGrace = time.Second
	fetch := netguard.NewClient(netguard.Config{AllowPrivateNetworks: o.allowPrivat})
	// Without the whisper tag there is no model: the pool is never
	// started and every job stays queued, as with noPool.
	model, post := poolModel(t, logger)
	h.pool = jobs.New(wcfg, model, st, fetch, delivery.Build, logger,
		append(append(post, jobs.WithMetrics(h.metrics.Jobs())), o.poolOpts...)...)
	signer, err := delivery.LoadSigner(st, cfg.DownloadURLTTL)
	if err != nil {
		t.Fatal(err)
	}

	wh := webhook.DefaultConfig()
	wh.Schedule = []time.Duration{0, 200 * time.Millisecond, 200 * time.Millisecond}
	wh.Jitter = 0
	wh.PollInterval = 50 * time.Millisecond
	h.hooks = webhook.New(wh, st, fetch, logger, webhook.WithMetrics(h.metrics.Webhooks()), webhook.WithSigner(signer))
	h.srv, err = server.New(cfg, server.Deps{
		Store: metrics.CountingStore{Store: st, Jobs: h.metrics.Jobs()}, Jobs: h.pool, Webhooks: h.hooks,
		Signer: signer, Now: h.clock.Now, Metrics: h.metrics,
	}, logger)
	if err != nil {
		t.Fatal(err)
	}
	if !o.noPool && model != nil {
		if err := h.hooks.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.hooks.Stop(context.Background()) })
		if err := h.pool.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.pool.Stop(context.Background()) })
	}
	if err := h.srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.srv.Stop(context.Background()) })
	h.base = "http://" + h.srv.Addr().String()

	_, h.adminKey, err = server.NewKey(st, "admin", 0, true)
	if err != nil {
		t.Fatal(err)
	}
	_, h.userKey, err = server.NewKey(st, "user", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// response is a decoded HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	return m
}

// errorCode returns error.code of an error body, checking the shape.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("body %q is not the error shape {error:{code,message}}", r.body)
	}
	return e.Error.Code
}

// do sends a request with an optional bearer key.
func (h *harness) do(method, url, key, contentType string, body io.Reader, hdr ...string) response {
	h.t.Helper()
	if strings.HasPrefix(url, "/") {
		url = h.base + url
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// form builds a multipart body with fields and, when file is not nil, a
// file part.
func form(t *testing.T, fields map[string]string, filename string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

// upload creates a job from file bytes and returns the response.
func (h *harness) upload(key string, file []byte, fields map[string]string, hdr ...string) response {
	h.t.Helper()
	if fields == nil {
		fields = map[string]string{"language": "en"}
	}
	ct, body := form(h.t, fields, "audio.wav", file)
	return h.do(http.MethodPost, "/v1/transcriptions", key, ct, body, hdr...)
}

// jfk returns jfk.wav as a 16 kHz mono 16-bit WAV file, repeated n times.
func jfk(t *testing.T, n int) []byte {
	t.Helper()
	if n == 1 {
		b, err := os.ReadFile(jfkPath)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return e2e.RepeatWAV(t, jfkPath, n)
}

// wavBytes encodes 16 kHz mono samples as a 16-bit PCM WAV file.
func wavBytes(samples []float32) []byte { return e2e.WAV(samples) }

// wait polls a job until cond holds or the deadline passes.
func (h *harness) wait(key, id string, d time.Duration, cond func(map[string]any) bool) map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		r := h.do(http.MethodGet, "/v1/transcriptions/"+id, key, "", nil)
		if r.status != http.StatusOK {
			h.t.Fatalf("GET job: %d %s", r.status, r.body)
		}
		j := r.json(h.t)
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("job %s did not reach the condition in %v; last %s", id, d, r.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func terminal(j map[string]any) bool {
	switch j["status"] {
	case "completed", "failed", "canceled":
		return true
	}
	return false
}

// newKey creates a non-admin key.
func newKey(h *harness, name string) (string, string, error) {
	k, secret, err := server.NewKey(h.st, name, 0, false)
	return k.ID, secret, err
}
