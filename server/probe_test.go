package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"
)

// silentWAV returns a second of 16 kHz mono 16-bit silence.
func silentWAV() []byte {
	const n = 16000 * 2
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(16000))
	le(uint32(32000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(n))
	b.Write(make([]byte, n))
	return b.Bytes()
}

// upload posts data as the file of a multipart form to target.
func (o *observed) upload(target, name string, data []byte, fields ...string) *httptest.ResponseRecorder {
	o.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Authorization", "Bearer "+o.user)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	o.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func TestProbeWaitExceeded(t *testing.T) {
	var cfg Config
	o := newObserved(t, func(c *Config, _ *Deps) {
		c.ProbeConcurrency, c.ProbeWait = 1, 20*time.Millisecond
		cfg = *c
	})
	// Every slot is taken, as by a slow probe of another upload.
	release, err := o.srv.probes.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		target string
		fields []string
	}{
		{"/v1/transcriptions", nil},
		{"/v1/audio/transcriptions", []string{"model", "whisper-1"}},
	} {
		target := tt.target
		rec := o.upload(target, "a.wav", silentWAV(), tt.fields...)
		if e := errorOf(t, rec); rec.Code != http.StatusServiceUnavailable || e.Code != CodeUnavailable || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%s: %d %+v (Retry-After %q), want 503 unavailable with Retry-After 1", target, rec.Code, e, rec.Header().Get("Retry-After"))
		}
	}
	jobs, _, err := o.st.ListJobs("", "", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 0 {
		t.Errorf("%d jobs created while probing was refused", len(jobs))
	}
	if files, _ := os.ReadDir(cfg.AudioDir); len(files) != 0 {
		t.Errorf("%d uploads left in the audio dir", len(files))
	}
	// Once the slot is free the same upload is accepted.
	release()
	if rec := o.upload("/v1/transcriptions", "a.wav", silentWAV()); rec.Code != http.StatusAccepted {
		t.Errorf("with a free slot: %d %s, want 202", rec.Code, rec.Body)
	}
}

func TestProbeLimiterWaitsForASlot(t *testing.T) {
	l := newProbeLimiter(1, time.Hour)
	release, err := l.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := l.acquire(context.Background())
		if err == nil {
			r()
		}
		got <- err
	}()
	release()
	if err := <-got; err != nil {
		t.Errorf("waiter: %v, want the freed slot", err)
	}
	// A canceled request stops waiting.
	release, _ = l.acquire(context.Background())
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: got %v", err)
	}
}

func TestProbeErrorsHidePaths(t *testing.T) {
	o := newObserved(t, nil)
	path := filepath.Join(t.TempDir(), "audio", "0199-secret.wav")
	// An I/O error reading the saved upload is the server's, not the
	// client's: a generic 500, logged without the path.
	err := &audio.Error{Op: "probe", Err: &fs.PathError{Op: "read", Path: path, Err: syscall.EIO}}
	rec := httptest.NewRecorder()
	c := o.srv.echo.NewContext(httptest.NewRequest(http.MethodPost, "/v1/transcriptions", nil), rec)
	o.srv.handleError(o.srv.probeError(c, err, audio.Info{}, path), c)
	if e := errorOf(t, rec); rec.Code != http.StatusInternalServerError || e.Code != CodeInternal || strings.Contains(e.Message, "secret") {
		t.Errorf("I/O error: %d %+v, want a generic 500", rec.Code, e)
	}
	if strings.Contains(o.logs.String(), "secret") {
		t.Errorf("the log names the upload's path: %s", o.logs)
	}
	if len(o.lines("probe upload")) != 1 {
		t.Errorf("the error was not logged: %s", o.logs)
	}
}

func TestInvalidAudioHidesPath(t *testing.T) {
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed")
	}
	var cfg Config
	o := newObserved(t, func(c *Config, _ *Deps) { cfg = *c })
	// ffprobe names its input in its error line.
	rec := o.upload("/v1/transcriptions", "x.ogg", append([]byte("OggS"), make([]byte, 600)...))
	e := errorOf(t, rec)
	if rec.Code != http.StatusBadRequest || e.Code != CodeInvalidAudio {
		t.Fatalf("%d %+v, want 400 invalid_audio", rec.Code, e)
	}
	if strings.Contains(e.Message, cfg.AudioDir) || strings.Contains(e.Message, "file:") {
		t.Errorf("message names the upload's path: %q", e.Message)
	}
}
