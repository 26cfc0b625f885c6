package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"
)

// Call does a request with the bearer key (none when empty) and decodes a
// JSON answer into out when out is not nil. It returns the status code.
func Call(base, key, method, path, contentType string, body io.Reader, hdr map[string]string, out any) (int, error) {
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		return 0, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %q: %w", b, err)
		}
	}
	return resp.StatusCode, nil
}

// Form builds a multipart body: fields in order, then the file part when
// data is not nil. It returns the body and its content type.
func Form(fields [][2]string, filename string, data []byte) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	return &body, mw.FormDataContentType()
}

// Create posts a job (POST /v1/transcriptions) and returns its id,
// failing the test unless the answer is 202.
func Create(t testing.TB, base, key, contentType string, body io.Reader) string {
	t.Helper()
	var j map[string]any
	code, err := Call(base, key, http.MethodPost, "/v1/transcriptions", contentType, body, nil, &j)
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusAccepted {
		t.Fatalf("create: %d %v", code, j)
	}
	return j["id"].(string)
}

// WaitFor polls cond until it holds, failing the test after d.
func WaitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
