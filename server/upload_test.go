package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
)

// uploadForm is a multipart body with the JFK sample as "file" and then
// model, which the OpenAI route needs and the native route refuses: the
// file is stored, or refused, before model is read.
func uploadForm(t *testing.T) (string, []byte) {
	t.Helper()
	audio, err := os.ReadFile("../testdata/jfk.wav")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "jfk.wav")
	fw.Write(audio)
	mw.WriteField("model", "whisper-1")
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// assertInsufficientStorage checks a refused upload: 507
// insufficient_storage with no server path in the body, logged at ERROR
// without the path either, and no file left in the audio directory.
func assertInsufficientStorage(t *testing.T, o *observed, rec *httptest.ResponseRecorder) {
	t.Helper()
	if e := errorOf(t, rec); rec.Code != http.StatusInsufficientStorage || e.Code != CodeInsufficientStorage {
		t.Errorf("upload: %d %s; want 507 insufficient_storage", rec.Code, rec.Body)
	}
	dir := o.srv.cfg.AudioDir
	for _, leak := range []string{dir, ".tmp", "/"} {
		if strings.Contains(rec.Body.String(), leak) {
			t.Errorf("response %s contains %q", rec.Body, leak)
		}
	}
	lines := o.lines("storage write failed")
	if len(lines) == 0 {
		t.Fatalf("no storage error logged:\n%s", o.logs)
	}
	last := lines[len(lines)-1]
	if last["level"] != "ERROR" || strings.Contains(last["err"].(string), dir) {
		t.Errorf("log line %v; want level ERROR and no path", last)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("audio dir holds %d entries after a refused upload", len(ents))
	}
}

// TestUploadLowDisk: with server.min_free_disk above the real free space
// (statfs), uploads are refused with 507 on both upload routes.
func TestUploadLowDisk(t *testing.T) {
	o := newObserved(t, func(c *Config, d *Deps) {
		c.MinFreeDisk = 1 << 62
		d.FreeDisk = nil // the real statfs
	})
	ct, body := uploadForm(t)
	for _, route := range []string{"/v1/transcriptions", "/v1/audio/transcriptions"} {
		rec := o.send(http.MethodPost, route, o.user, bytes.NewReader(body), "Content-Type", ct)
		assertInsufficientStorage(t, o, rec)
		if !strings.Contains(o.lastStorageErr(), "server.min_free_disk") {
			t.Errorf("%s: log %q does not name server.min_free_disk", route, o.lastStorageErr())
		}
	}
}

func (o *observed) lastStorageErr() string {
	l := o.lines("storage write failed")
	if len(l) == 0 {
		return ""
	}
	s, _ := l[len(l)-1]["err"].(string)
	return s
}

// TestUploadWriteError: an audio directory that cannot hold files (it was
// replaced by a regular file, which stops root too) gives 507, not 400 or
// 500, with no path.
func TestUploadWriteError(t *testing.T) {
	o := newObserved(t, nil)
	dir := o.srv.cfg.AudioDir
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	ct, body := uploadForm(t)
	rec := o.send(http.MethodPost, "/v1/transcriptions", o.user, bytes.NewReader(body), "Content-Type", ct)
	if rec.Code != http.StatusInsufficientStorage || !strings.Contains(rec.Body.String(), CodeInsufficientStorage) {
		t.Fatalf("upload into a file: %d %s; want 507", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), dir) || strings.Contains(o.lastStorageErr(), dir) {
		t.Errorf("the audio dir path is in the response %s or the log %q", rec.Body, o.lastStorageErr())
	}
}

// TestUploadDiskFull: a real full disk, a 64 KiB tmpfs as the audio
// directory, fails the write part-way: 507, no path, no file left. Mounting
// needs root (CAP_SYS_ADMIN); without it the test is skipped, and
// TestUploadWriteError still covers the mapping.
func TestUploadDiskFull(t *testing.T) {
	o := newObserved(t, func(c *Config, _ *Deps) { c.MinFreeDisk = 0 })
	dir := o.srv.cfg.AudioDir
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	ct, body := uploadForm(t)
	if len(body) < 128<<10 {
		t.Fatalf("the sample is %d bytes; want more than the tmpfs holds", len(body))
	}
	rec := o.send(http.MethodPost, "/v1/transcriptions", o.user, bytes.NewReader(body), "Content-Type", ct)
	assertInsufficientStorage(t, o, rec)
	if got := o.lastStorageErr(); !strings.Contains(got, "write upload") || !strings.Contains(got, "no space left") {
		t.Errorf("logged %q; want the failed write and ENOSPC", got)
	}
}

// TestIdempotencyFilename: the file name is part of the Idempotency-Key
// fingerprint, so the same bytes under another name are a different
// request (422), while a true retry is replayed.
func TestIdempotencyFilename(t *testing.T) {
	o := newObserved(t, nil)
	audio, err := os.ReadFile("../testdata/jfk.wav")
	if err != nil {
		t.Fatal(err)
	}
	post := func(name string) *httptest.ResponseRecorder {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(audio)
		mw.Close()
		return o.send(http.MethodPost, "/v1/transcriptions", o.user, &b,
			"Content-Type", mw.FormDataContentType(), "Idempotency-Key", "upload-1")
	}
	first, retry := post("a.wav"), post("a.wav")
	if first.Code != http.StatusAccepted || retry.Code != http.StatusAccepted || retry.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("upload then retry: %d, %d (replayed %q); want 202, 202 replayed", first.Code, retry.Code, retry.Header().Get("Idempotent-Replayed"))
	}
	renamed := post("b.wav")
	if e := errorOf(t, renamed); renamed.Code != http.StatusUnprocessableEntity || e.Code != CodeIdempotencyConflict {
		t.Errorf("same bytes as b.wav: %d %s; want 422 idempotency_conflict", renamed.Code, renamed.Body)
	}
}
