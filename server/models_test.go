//go:build whisper

package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/enginetest"
	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/server"
)

// TestModelChoice configures two models (tiny and a hard link to it under
// another name): /v1/models lists them, model on create and on the OpenAI
// endpoint picks one, which loads on first use, and an unknown model is a
// 400 that lists the valid names.
func TestModelChoice(t *testing.T) {
	def := testModel(t)
	path := def.Info().Path
	link := enginetest.LinkModel(t, path, t.TempDir(), "copy.bin")
	reg, err := engine.NewRegistry(map[string]string{"tiny": path, "copy": link}, "tiny", def, 0, engine.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	h := newHarness(t, harnessOpts{
		cfg:      func(c *server.Config) { c.ModelPath, c.Models = path, []string{"tiny", "copy"} },
		poolOpts: []jobs.Option{jobs.WithModels(jobs.EngineModels(reg))},
	})

	var ids []string
	for _, m := range h.do(http.MethodGet, "/v1/models", h.userKey, "", nil).json(t)["data"].([]any) {
		ids = append(ids, m.(map[string]any)["id"].(string))
	}
	if !slices.Equal(ids, []string{"tiny", "copy", "whisper-1"}) {
		t.Errorf("/v1/models ids = %v, want [tiny copy whisper-1]", ids)
	}

	bad := h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json",
		strings.NewReader(`{"url": "https://example.com/a.mp3", "model": "large-v9"}`))
	if bad.status != http.StatusBadRequest || bad.errorCode(t) != "invalid_request" || !strings.Contains(string(bad.body), "tiny, copy") {
		t.Errorf("unknown model: %d %s, want 400 invalid_request listing tiny, copy", bad.status, bad.body)
	}

	if got := reg.Loaded(); !slices.Equal(got, []string{"tiny"}) {
		t.Fatalf("loaded before any job = %v, want only the default", got)
	}
	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"language": "en", "model": "copy"})
	plain := h.upload(h.userKey, jfk(t, 1), nil)
	if r.status != http.StatusAccepted || plain.status != http.StatusAccepted {
		t.Fatalf("create: %d %s / %d %s", r.status, r.body, plain.status, plain.body)
	}
	j := h.wait(h.userKey, r.json(t)["id"].(string), 60*time.Second, terminal)
	p := h.wait(h.userKey, plain.json(t)["id"].(string), 60*time.Second, terminal)
	if j["status"] != "completed" || !strings.Contains(strings.ToLower(j["text"].(string)), jfkPhrase) {
		t.Fatalf("job on model copy: %v %v", j["status"], j["text"])
	}
	if m := j["options"].(map[string]any)["model"]; m != "copy" {
		t.Errorf("options.model = %v, want copy", m)
	}
	if m := p["options"].(map[string]any)["model"]; m != "tiny" {
		t.Errorf("options.model of a job without model = %v, want the default tiny", m)
	}
	if got := reg.Loaded(); !slices.Equal(got, []string{"copy", "tiny"}) {
		t.Errorf("loaded after a job on copy = %v, want [copy tiny]", got)
	}

	// The OpenAI-compatible endpoint picks by model too.
	ct, body := form(t, map[string]string{"model": "copy", "response_format": "text", "language": "en"}, "a.wav", jfk(t, 1))
	oa := h.do(http.MethodPost, "/v1/audio/transcriptions", h.userKey, ct, body)
	if oa.status != http.StatusOK || !strings.Contains(strings.ToLower(string(oa.body)), jfkPhrase) {
		t.Errorf("OpenAI endpoint with model copy: %d %s", oa.status, oa.body)
	}
	ct, body = form(t, map[string]string{"model": "nope"}, "a.wav", jfk(t, 1))
	if oa := h.do(http.MethodPost, "/v1/audio/transcriptions", h.userKey, ct, body); oa.status != http.StatusBadRequest || !strings.Contains(string(oa.body), "copy") {
		t.Errorf("OpenAI endpoint with an unknown model: %d %s, want 400 listing the models", oa.status, oa.body)
	}
}
