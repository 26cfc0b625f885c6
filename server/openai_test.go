//go:build whisper

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// openAIClientDir holds transcribe.mjs and its node_modules.
const openAIClientDir = "../scripts/openaiclient"

// testModelPath is the model file the harness loads.
func testModelPath() string {
	if p := os.Getenv("INSTANTTRANSCRIBER_TEST_MODEL"); p != "" {
		return p
	}
	return "../models/ggml-tiny-q8_0.bin"
}

// withModelPath gives the server the model's path, as serve does.
func withModelPath(c *server.Config) { c.ModelPath = testModelPath() }

// TestOpenAIClient runs the official openai npm package against the server:
// models, json, verbose_json with word and segment timestamps, srt, and an
// error for an unknown model.
func TestOpenAIClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: install Node.js and run `make openai-client` (npm ci --prefix scripts/openaiclient); the OpenAI-compatibility test needs it")
	}
	if _, err := os.Stat(filepath.Join(openAIClientDir, "node_modules", "openai", "package.json")); err != nil {
		t.Fatalf("the openai package is not installed in %s: run `make openai-client` (npm ci --prefix scripts/openaiclient)", openAIClientDir)
	}
	h := newHarness(t, harnessOpts{cfg: withModelPath})
	keyID, key, err := newKey(h, "openai")
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(openAIClientDir, "transcribe.mjs"), jfkPath)
	cmd.Env = append(os.Environ(), "OPENAI_BASE_URL="+h.base+"/v1", "OPENAI_API_KEY="+key)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("transcribe.mjs: %v\nstderr: %s", err, stderr.String())
	}
	var out struct {
		Models []string `json:"models"`
		JSON   struct {
			Text string `json:"text"`
		} `json:"json"`
		Verbose struct {
			Task     string  `json:"task"`
			Language string  `json:"language"`
			Duration float64 `json:"duration"`
			Text     string  `json:"text"`
			Segments []struct {
				ID    int     `json:"id"`
				Start float64 `json:"start"`
				End   float64 `json:"end"`
				Text  string  `json:"text"`
			} `json:"segments"`
			Words []struct {
				Word  string  `json:"word"`
				Start float64 `json:"start"`
				End   float64 `json:"end"`
			} `json:"words"`
		} `json:"verbose"`
		SRT   string `json:"srt"`
		Error *struct {
			Status int    `json:"status"`
			Type   string `json:"type"`
			Code   string `json:"code"`
			Param  string `json:"param"`
		} `json:"error"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("transcribe.mjs output %q: %v", stdout.String(), err)
	}

	if want := []string{"ggml-tiny-q8_0", "whisper-1"}; strings.Join(out.Models, ",") != strings.Join(want, ",") {
		t.Errorf("models = %v; want %v", out.Models, want)
	}
	if !strings.Contains(strings.ToLower(out.JSON.Text), jfkPhrase) {
		t.Errorf("json text = %q; want it to contain %q", out.JSON.Text, jfkPhrase)
	}
	v := out.Verbose
	if v.Task != "transcribe" || v.Language != "english" || math.Abs(v.Duration-11) > 0.5 || !strings.Contains(strings.ToLower(v.Text), jfkPhrase) {
		t.Errorf("verbose_json task %q language %q duration %v text %q; want transcribe, english, ~11, the phrase", v.Task, v.Language, v.Duration, v.Text)
	}
	if len(v.Segments) == 0 || len(v.Words) < 10 {
		t.Fatalf("verbose_json has %d segments, %d words; want segments and words", len(v.Segments), len(v.Words))
	}
	for i, s := range v.Segments {
		if s.ID != i || s.End <= s.Start || s.Text == "" {
			t.Errorf("segment %d = %+v", i, s)
		}
	}
	for _, w := range v.Words {
		if w.Word == "" || w.Word != strings.TrimSpace(w.Word) || w.End < w.Start || w.End > v.Duration+0.5 {
			t.Errorf("word %+v", w)
		}
	}
	cue := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}$`)
	if !cue.MatchString(out.SRT) || !strings.Contains(strings.ToLower(out.SRT), "ask not what your country") {
		t.Errorf("srt = %q; want cues with the text", out.SRT)
	}
	if e := out.Error; e == nil || e.Status != 400 || e.Type != "invalid_request_error" || e.Code != "invalid_request" || e.Param != "model" {
		t.Errorf("unknown model raised %+v; want 400 invalid_request_error, code invalid_request, param model", e)
	}

	// The three transcriptions stay in the key's job list as sync jobs.
	jobs, _, err := h.st.ListJobs(keyID, "", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 3 {
		t.Fatalf("key has %d jobs; want 3", len(jobs))
	}
	r := h.do(http.MethodGet, "/v1/transcriptions/"+jobs[0].ID, key, "", nil)
	if j := r.json(t); j["status"] != "completed" || j["source"].(map[string]any)["type"] != "sync" {
		t.Errorf("sync job = %s; want completed with source type sync", r.body)
	}
}

// TestOpenAIFormats covers what the node client does not: translations,
// the prompt, response_format text and vtt, and the error shape.
func TestOpenAIFormats(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: withModelPath})
	keyID, key, err := newKey(h, "formats")
	if err != nil {
		t.Fatal(err)
	}
	wav := jfk(t, 1)
	post := func(path string, fields map[string]string) response {
		ct, body := form(t, fields, "jfk.wav", wav)
		return h.do(http.MethodPost, path, key, ct, body)
	}

	r := post("/v1/audio/translations", map[string]string{"model": "whisper-1", "language": "en", "prompt": "President Kennedy.", "response_format": "verbose_json"})
	if r.status != http.StatusOK {
		t.Fatalf("translation: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if m["task"] != "translate" || m["language"] != "english" || m["words"] != nil || len(m["segments"].([]any)) == 0 {
		t.Errorf("translation = %s; want task translate, language english, segments and no words", r.body)
	}
	if _, ok := m["usage"]; ok {
		t.Errorf("translation has usage; OpenAI reports it for transcriptions only")
	}
	jobs, _, err := h.st.ListJobs(keyID, "", 1, "")
	if err != nil || len(jobs) != 1 {
		t.Fatalf("ListJobs = %d jobs, %v", len(jobs), err)
	}
	if o := jobs[0].Options; !jobs[0].Sync || !o.Translate || o.Prompt != "President Kennedy." {
		t.Errorf("stored job: sync %v options %+v; want sync, translate and the prompt", jobs[0].Sync, o)
	}

	r = post("/v1/audio/transcriptions", map[string]string{"model": "ggml-tiny-q8_0", "language": "en", "response_format": "text"})
	if ct := r.header.Get("Content-Type"); r.status != http.StatusOK || !strings.HasPrefix(ct, "text/plain") ||
		!strings.Contains(strings.ToLower(string(r.body)), jfkPhrase) || !strings.HasSuffix(string(r.body), "\n") {
		t.Errorf("text: %d %s %q; want 200 text/plain with the phrase", r.status, ct, r.body)
	}
	r = post("/v1/audio/transcriptions", map[string]string{"model": "whisper-1", "language": "en", "response_format": "vtt"})
	if ct := r.header.Get("Content-Type"); r.status != http.StatusOK || !strings.HasPrefix(ct, "text/plain") || !strings.HasPrefix(string(r.body), "WEBVTT") {
		t.Errorf("vtt: %d %s %q; want 200 text/plain WEBVTT", r.status, ct, r.body)
	}

	r = post("/v1/audio/transcriptions", map[string]string{"model": "whisper-1", "response_format": "xml"})
	var e struct {
		Error struct{ Code, Message, Type, Param string }
	}
	if err := json.Unmarshal(r.body, &e); err != nil || r.status != 400 || e.Error.Code != "invalid_request" ||
		e.Error.Type != "invalid_request_error" || e.Error.Param != "response_format" || e.Error.Message == "" {
		t.Errorf("bad response_format: %d %s; want 400 with code, message, type and param", r.status, r.body)
	}
	r = h.do(http.MethodGet, "/v1/models", "", "", nil)
	if err := json.Unmarshal(r.body, &e); err != nil || r.status != 401 || e.Error.Code != "unauthorized" || e.Error.Type != "invalid_request_error" {
		t.Errorf("models without a key: %d %s; want 401 in the OpenAI shape", r.status, r.body)
	}
	r = h.do(http.MethodGet, "/v1/models", key, "", nil)
	fi, err := os.Stat(testModelPath())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"object":"list","data":[{"id":"ggml-tiny-q8_0","object":"model","created":` + jsonInt(fi.ModTime().Unix()) +
		`,"owned_by":"instanttranscriber"},{"id":"whisper-1","object":"model","created":` + jsonInt(fi.ModTime().Unix()) + `,"owned_by":"instanttranscriber"}]}`
	if got := strings.TrimSpace(string(r.body)); r.status != 200 || got != want {
		t.Errorf("models = %d %s; want %s", r.status, got, want)
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestOpenAIDisconnectCancels closes the client's connection while its
// long transcription is processing: the job ends canceled.
func TestOpenAIDisconnectCancels(t *testing.T) {
	h := newHarness(t, harnessOpts{cfg: withModelPath})
	keyID, key, err := newKey(h, "leaver")
	if err != nil {
		t.Fatal(err)
	}
	ct, body := form(t, map[string]string{"model": "whisper-1", "language": "en"}, "jfk8.wav", jfk(t, 8))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.base+"/v1/audio/transcriptions", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", ct)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()

	job := waitJob(t, h, keyID, 30*time.Second, func(j store.Job) bool { return j.Status == store.Processing && j.Progress > 0 })
	cancel() // closes the connection
	if err := <-done; err == nil {
		t.Fatal("the request finished before the client went away")
	}
	job = waitJob(t, h, keyID, 30*time.Second, func(j store.Job) bool { return j.Status.Terminal() })
	if job.Status != store.Canceled {
		t.Errorf("job %s ended %s; want canceled", job.ID, job.Status)
	}
}

// waitJob polls the key's newest job until cond holds.
func waitJob(t *testing.T, h *harness, keyID string, d time.Duration, cond func(store.Job) bool) store.Job {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		jobs, _, err := h.st.ListJobs(keyID, "", 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 1 && cond(jobs[0]) {
			return jobs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job of key %s reached the condition in %v; last %+v", keyID, d, jobs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
