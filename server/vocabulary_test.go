package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestCreateVocabulary accepts prompt and vocabulary as JSON and as
// multipart (repeated fields or a JSON array), normalizes them, echoes them
// in options, and refuses bad ones.
func TestCreateVocabulary(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	want := []any{"Ana Ruiz", "Kubernetes", "Xiaomi"}
	options := func(r response) map[string]any {
		t.Helper()
		if r.status != http.StatusAccepted {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		return r.json(t)["options"].(map[string]any)
	}

	js := h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json", strings.NewReader(
		`{"url": "https://example.com/a.mp3", "prompt": " Weekly sync. ", "vocabulary": ["Ana Ruiz", " Kubernetes ", "Xiaomi", "kubernetes"]}`))
	o := options(js)
	if o["prompt"] != "Weekly sync." || !reflect.DeepEqual(o["vocabulary"], want) {
		t.Errorf("JSON create options = %v, want the trimmed prompt and %v", o, want)
	}

	multipartCreate := func(fields [][2]string) response {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, f := range fields {
			w.WriteField(f[0], f[1])
		}
		fw, _ := w.CreateFormFile("file", "a.wav")
		fw.Write(jfk(t, 1))
		w.Close()
		return h.do(http.MethodPost, "/v1/transcriptions", h.userKey, w.FormDataContentType(), &buf)
	}
	repeated := options(multipartCreate([][2]string{{"vocabulary", "Ana Ruiz"}, {"vocabulary", "Kubernetes"}, {"vocabulary", "Xiaomi"}, {"prompt", "Weekly sync."}}))
	array := options(multipartCreate([][2]string{{"vocabulary", `["Ana Ruiz", "Kubernetes", "Xiaomi"]`}}))
	if !reflect.DeepEqual(repeated["vocabulary"], want) || repeated["prompt"] != "Weekly sync." || !reflect.DeepEqual(array["vocabulary"], want) {
		t.Errorf("multipart vocabulary: repeated %v, array %v; want %v", repeated, array, want)
	}

	for _, bad := range []struct{ body, want string }{
		{`{"url": "https://example.com/a.mp3", "vocabulary": [""]}`, "1 to 64"},
		{`{"url": "https://example.com/a.mp3", "vocabulary": ["` + strings.Repeat("x", 65) + `"]}`, "1 to 64"},
		{`{"url": "https://example.com/a.mp3", "vocabulary": ["a, b"]}`, "commas"},
		{`{"url": "https://example.com/a.mp3", "vocabulary": ["` + strings.Repeat(`x", "`, 100) + `y"]}`, "at most 100"},
		{`{"url": "https://example.com/a.mp3", "vocabulary": "Ana"}`, "invalid"},
		{`{"url": "https://example.com/a.mp3", "prompt": "` + strings.Repeat("x", 1001) + `"}`, "longer than 1000"},
		{`{"url": "https://example.com/a.mp3", "prompt": "a\u0000b"}`, "control"},
	} {
		got := h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json", strings.NewReader(bad.body))
		if got.status != http.StatusBadRequest || got.errorCode(t) != "invalid_request" || !strings.Contains(string(got.body), bad.want) {
			t.Errorf("create %.60s...: %d %s, want 400 invalid_request mentioning %q", bad.body, got.status, got.body, bad.want)
		}
	}
	if got := multipartCreate([][2]string{{"vocabulary", `["Ana", 3]`}}); got.status != http.StatusBadRequest {
		t.Errorf("multipart vocabulary with a bad JSON array: %d %s, want 400", got.status, got.body)
	}
}
