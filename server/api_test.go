package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/instanttranscriber/instanttranscriber/server"
)

// TestBadInputs sends each kind of bad request: each gets its documented
// code in the JSON error shape, and the server keeps serving.
func TestBadInputs(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true, cfg: func(c *server.Config) { c.MaxUploadBytes = 400 << 10 }})
	_, revoked, err := server.NewKey(h.st, "old", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := h.st.ListKeys()
	for _, k := range keys {
		if k.Name == "old" {
			h.st.RevokeKey(k.ID)
		}
	}
	wav := jfk(t, 1)
	big := make([]byte, 500<<10)
	copy(big, wav)
	jsonCT := "application/json"
	multipartWith := func(fields map[string]string, file []byte) (string, *strings.Reader) {
		ct, body := form(t, fields, "a.wav", file)
		return ct, strings.NewReader(body.String())
	}

	tests := []struct {
		name       string
		key        string
		ct         string
		body       func() (string, *strings.Reader)
		wantStatus int
		wantCode   string
	}{
		{"no auth", "", jsonCT, nil, 401, "unauthorized"},
		{"bad key", "itk_" + strings.Repeat("A", 40), jsonCT, nil, 401, "unauthorized"},
		{"malformed key", "hello", jsonCT, nil, 401, "unauthorized"},
		{"revoked key", revoked, jsonCT, nil, 401, "unauthorized"},
		{"missing file", h.userKey, "", func() (string, *strings.Reader) { return multipartWith(map[string]string{"language": "en"}, nil) }, 400, "invalid_request"},
		{"empty file", h.userKey, "", func() (string, *strings.Reader) { return multipartWith(nil, []byte{}) }, 400, "invalid_audio"},
		{"not audio", h.userKey, "", func() (string, *strings.Reader) {
			return multipartWith(nil, []byte("%PDF-1.7 this is a document, not audio at all"))
		}, 415, "unsupported_media"},
		{"corrupt wav", h.userKey, "", func() (string, *strings.Reader) { return multipartWith(nil, wav[:30]) }, 400, "invalid_audio"},
		{"oversized", h.userKey, "", func() (string, *strings.Reader) { return multipartWith(nil, big) }, 413, "payload_too_large"},
		{"file and url", h.userKey, "", func() (string, *strings.Reader) {
			return multipartWith(map[string]string{"url": "https://example.com/a.wav"}, wav)
		}, 400, "invalid_request"},
		{"malformed url", h.userKey, jsonCT, func() (string, *strings.Reader) { return jsonCT, strings.NewReader(`{"url": "ht!tp://x y"}`) }, 400, "invalid_request"},
		{"file url", h.userKey, jsonCT, func() (string, *strings.Reader) { return jsonCT, strings.NewReader(`{"url": "file:///etc/passwd"}`) }, 400, "invalid_request"},
		{"loopback url", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "http://127.0.0.1:8080/a.wav"}`)
		}, 400, "invalid_request"},
		{"metadata service url", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "http://169.254.169.254/latest/meta-data/"}`)
		}, 400, "invalid_request"},
		{"loopback callback", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "https://example.com/a.wav", "callback_url": "http://localhost/hook"}`)
		}, 400, "invalid_request"},
		{"bad metadata json", h.userKey, "", func() (string, *strings.Reader) {
			return multipartWith(map[string]string{"metadata": `{"a": `}, wav)
		}, 400, "invalid_request"},
		{"bad whsec secret", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "https://example.com/a.wav", "callback_url": "https://example.com/hook", "callback_secret": "whsec_***not base64***"}`)
		}, 400, "invalid_request"},
		{"metadata not an object", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "https://example.com/a.wav", "metadata": [1, 2]}`)
		}, 400, "invalid_request"},
		{"metadata too big", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "https://example.com/a.wav", "metadata": {"x": "` + strings.Repeat("a", 5000) + `"}}`)
		}, 400, "invalid_request"},
		{"unknown language", h.userKey, "", func() (string, *strings.Reader) { return multipartWith(map[string]string{"language": "klingon"}, wav) }, 400, "invalid_request"},
		{"unknown field", h.userKey, jsonCT, func() (string, *strings.Reader) {
			return jsonCT, strings.NewReader(`{"url": "https://example.com/a.wav", "lang": "en"}`)
		}, 400, "invalid_request"},
		{"bad json", h.userKey, jsonCT, func() (string, *strings.Reader) { return jsonCT, strings.NewReader(`{"url": `) }, 400, "invalid_request"},
		{"wrong content type", h.userKey, "text/plain", func() (string, *strings.Reader) { return "text/plain", strings.NewReader("hello") }, 415, "unsupported_media"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct, body := tc.ct, strings.NewReader(`{"url": "https://example.com/a.wav"}`)
			if tc.body != nil {
				ct, body = tc.body()
			}
			r := h.do(http.MethodPost, "/v1/transcriptions", tc.key, ct, body)
			if r.status != tc.wantStatus || r.errorCode(t) != tc.wantCode {
				t.Errorf("got %d %s, want %d %s", r.status, r.body, tc.wantStatus, tc.wantCode)
			}
			if got := h.do(http.MethodGet, "/healthz", "", "", nil); got.status != http.StatusOK {
				t.Fatalf("server stopped serving after the bad request: %d", got.status)
			}
		})
	}
	// Nothing was queued and no upload was left behind.
	if jobs, _, _ := h.st.ListJobs(keys[0].ID, "", 100, ""); len(jobs) != 0 {
		t.Errorf("bad requests created %d jobs", len(jobs))
	}
	entries, _ := os.ReadDir(filepath.Join(h.dir, "audio"))
	if len(entries) != 0 {
		t.Errorf("bad requests left %d files in the audio dir", len(entries))
	}
}

// TestIsolation: a key sees only its own jobs; another key's job is 404.
func TestIsolation(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	_, other, err := server.NewKey(h.st, "other", 0, false)
	if err != nil {
		t.Fatal(err)
	}
	r := h.upload(h.userKey, jfk(t, 1), nil)
	id := r.json(t)["id"].(string)
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/v1/transcriptions/" + id},
		{http.MethodDelete, "/v1/transcriptions/" + id},
		{http.MethodGet, "/v1/transcriptions/" + id + "/export.txt"},
	} {
		if got := h.do(tc.method, tc.path, other, "", nil); got.status != http.StatusNotFound || got.errorCode(t) != "not_found" {
			t.Errorf("%s %s with another key: %d %s, want 404", tc.method, tc.path, got.status, got.body)
		}
	}
	list := h.do(http.MethodGet, "/v1/transcriptions", other, "", nil).json(t)
	if data := list["data"].([]any); len(data) != 0 {
		t.Errorf("other key lists %d jobs, want 0", len(data))
	}
	mine := h.do(http.MethodGet, "/v1/transcriptions", h.userKey, "", nil).json(t)
	if data := mine["data"].([]any); len(data) != 1 {
		t.Errorf("owner lists %d jobs, want 1", len(data))
	}
	// The job object never shows the callback secret.
	r = h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json",
		strings.NewReader(`{"url": "https://example.com/a.wav", "callback_url": "https://example.com/hook", "callback_secret": "s3cret-value"}`))
	if r.status != http.StatusAccepted || strings.Contains(string(r.body), "s3cret-value") {
		t.Errorf("create with callback: %d %s", r.status, r.body)
	}
	got := h.do(http.MethodGet, "/v1/transcriptions/"+r.json(t)["id"].(string), h.userKey, "", nil)
	if strings.Contains(string(got.body), "s3cret-value") {
		t.Errorf("job object leaks the callback secret: %s", got.body)
	}
}

// TestListPagination pages newest first with a cursor and filters by status.
func TestListPagination(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	var ids []string
	for range 5 {
		r := h.do(http.MethodPost, "/v1/transcriptions", h.userKey, "application/json", strings.NewReader(`{"url": "https://example.com/a.wav"}`))
		ids = append(ids, r.json(t)["id"].(string))
	}
	var got []string
	cursor := ""
	for page := 0; page < 5; page++ {
		r := h.do(http.MethodGet, "/v1/transcriptions?limit=2&cursor="+cursor, h.userKey, "", nil).json(t)
		for _, j := range r["data"].([]any) {
			got = append(got, j.(map[string]any)["id"].(string))
		}
		next, _ := r["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != 5 {
		t.Fatalf("paged %d jobs, want 5", len(got))
	}
	for i := range got {
		if got[i] != ids[len(ids)-1-i] {
			t.Errorf("page order %v, want newest first %v", got, ids)
			break
		}
	}
	if r := h.do(http.MethodGet, "/v1/transcriptions?status=completed", h.userKey, "", nil).json(t); len(r["data"].([]any)) != 0 {
		t.Errorf("status=completed lists queued jobs")
	}
	for _, q := range []string{"limit=0", "limit=abc", "status=done", "cursor=notacursor"} {
		if r := h.do(http.MethodGet, "/v1/transcriptions?"+q, h.userKey, "", nil); r.status != http.StatusBadRequest {
			t.Errorf("?%s: %d, want 400", q, r.status)
		}
	}
}

// TestIdempotency: the same Idempotency-Key and request returns the
// original job; a different request with it is 422.
func TestIdempotency(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	wav := jfk(t, 1)
	first := h.upload(h.userKey, wav, nil, "Idempotency-Key", "order-17")
	second := h.upload(h.userKey, wav, nil, "Idempotency-Key", "order-17")
	if first.status != http.StatusAccepted || second.status != http.StatusAccepted {
		t.Fatalf("creates: %d, %d", first.status, second.status)
	}
	if a, b := first.json(t)["id"], second.json(t)["id"]; a != b {
		t.Errorf("replay created a new job: %v then %v", a, b)
	}
	if second.header.Get("Idempotent-Replayed") != "true" {
		t.Error("replay lacks Idempotent-Replayed: true")
	}
	other := h.upload(h.userKey, wav, map[string]string{"language": "de"}, "Idempotency-Key", "order-17")
	if other.status != http.StatusUnprocessableEntity || other.errorCode(t) != "idempotency_conflict" {
		t.Errorf("different request: %d %s, want 422 idempotency_conflict", other.status, other.body)
	}
	list := h.do(http.MethodGet, "/v1/transcriptions", h.userKey, "", nil).json(t)
	if n := len(list["data"].([]any)); n != 1 {
		t.Errorf("%d jobs exist, want 1", n)
	}
	entries, _ := os.ReadDir(filepath.Join(h.dir, "audio"))
	if len(entries) != 1 {
		t.Errorf("%d files in the audio dir, want the first upload only", len(entries))
	}
}

// TestLimits covers the quota (402), the queued-jobs limit (429 with
// Retry-After) and the per-key rate limit (429).
func TestLimits(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true, cfg: func(c *server.Config) {
		c.MaxQueuedPerKey = 1
		c.RateLimit = 0.5 // one token every 2 s, so a slow CI machine stays inside the burst
		c.RateBurst = 2
	}})
	_, small, err := server.NewKey(h.st, "small", 0.001, false) // 3.6 s a month
	if err != nil {
		t.Fatal(err)
	}
	r := h.upload(small, jfk(t, 1), nil)
	if r.status != http.StatusPaymentRequired || r.errorCode(t) != "quota_exceeded" {
		t.Errorf("over quota: %d %s, want 402", r.status, r.body)
	}

	if r := h.upload(h.userKey, jfk(t, 1), nil); r.status != http.StatusAccepted {
		t.Fatalf("first job: %d %s", r.status, r.body)
	}
	r = h.upload(h.userKey, jfk(t, 1), nil)
	if r.status != http.StatusTooManyRequests || r.errorCode(t) != "rate_limited" || r.header.Get("Retry-After") == "" {
		t.Errorf("second queued job: %d %s (Retry-After %q), want 429", r.status, r.body, r.header.Get("Retry-After"))
	}
	// The burst of 2 is spent: the next request is rate limited.
	r = h.do(http.MethodGet, "/v1/usage", h.userKey, "", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("over the rate limit: %d, want 429 with Retry-After", r.status)
	}
	h.clock.Add(2100 * time.Millisecond)
	if r := h.do(http.MethodGet, "/v1/usage", h.userKey, "", nil); r.status != http.StatusOK {
		t.Errorf("after 2 s: %d, want 200", r.status)
	}
}

// TestKeysAPI: admins create, list and revoke keys; the secret is shown
// once; other keys get 403.
func TestKeysAPI(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	r := h.do(http.MethodPost, "/v1/keys", h.adminKey, "application/json", strings.NewReader(`{"name": "crm", "quota_hours": 10}`))
	if r.status != http.StatusCreated {
		t.Fatalf("create key: %d %s", r.status, r.body)
	}
	k := r.json(t)
	secret, _ := k["key"].(string)
	if !strings.HasPrefix(secret, "itk_") || len(secret) < 36 || k["quota_seconds"] != float64(36000) {
		t.Errorf("created key = %s", r.body)
	}
	if got := h.do(http.MethodGet, "/v1/usage", secret, "", nil); got.status != http.StatusOK {
		t.Errorf("new key cannot authenticate: %d", got.status)
	}
	list := h.do(http.MethodGet, "/v1/keys", h.adminKey, "", nil)
	if strings.Contains(string(list.body), secret) || strings.Contains(string(list.body), `"key"`) {
		t.Errorf("key list shows secrets: %s", list.body)
	}
	if got := h.do(http.MethodGet, "/v1/keys", h.userKey, "", nil); got.status != http.StatusForbidden || got.errorCode(t) != "forbidden" {
		t.Errorf("non-admin list: %d %s", got.status, got.body)
	}
	if got := h.do(http.MethodDelete, "/v1/keys/"+k["id"].(string), h.adminKey, "", nil); got.status != http.StatusOK || got.json(t)["revoked_at"] == nil {
		t.Errorf("revoke: %d %s", got.status, got.body)
	}
	if got := h.do(http.MethodGet, "/v1/usage", secret, "", nil); got.status != http.StatusUnauthorized {
		t.Errorf("revoked key: %d, want 401", got.status)
	}
	for _, body := range []string{`{}`, `{"name": ""}`, `{"name": "x", "quota_hours": -1}`, `{"name": "x", "extra": 1}`} {
		if got := h.do(http.MethodPost, "/v1/keys", h.adminKey, "application/json", strings.NewReader(body)); got.status != http.StatusBadRequest {
			t.Errorf("create key %s: %d, want 400", body, got.status)
		}
	}
}

// TestErrorShapeAndProbes: unknown routes and methods use the error shape;
// the probes answer without a key.
func TestErrorShapeAndProbes(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	if r := h.do(http.MethodGet, "/v2/nothing", "", "", nil); r.status != http.StatusNotFound || r.errorCode(t) != "not_found" {
		t.Errorf("unknown route: %d %s", r.status, r.body)
	}
	if r := h.do(http.MethodPut, "/v1/usage", h.userKey, "", nil); r.status != http.StatusMethodNotAllowed || r.errorCode(t) != "method_not_allowed" {
		t.Errorf("wrong method: %d %s", r.status, r.body)
	}
	if r := h.do(http.MethodGet, "/readyz", "", "", nil); r.status != http.StatusOK {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	if r := h.do(http.MethodGet, "/v1/transcriptions/not-a-uuid", h.userKey, "", nil); r.status != http.StatusNotFound {
		t.Errorf("bad id: %d %s", r.status, r.body)
	}
	r := h.upload(h.userKey, jfk(t, 1), nil)
	id := r.json(t)["id"].(string)
	if r := h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.srt", h.userKey, "", nil); r.status != http.StatusConflict || r.errorCode(t) != "not_ready" {
		t.Errorf("export of a queued job: %d %s", r.status, r.body)
	}
	if r := h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.docx", h.userKey, "", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown export format: %d", r.status)
	}
}

// TestOpenAPICoversRoutes fails when a route is missing from openapi.yaml.
func TestOpenAPICoversRoutes(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	r := h.do(http.MethodGet, "/openapi.yaml", "", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /openapi.yaml: %d", r.status)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	for _, route := range h.srv.Routes() {
		method, path, _ := strings.Cut(route, " ")
		p := openapiPath(path)
		if _, ok := doc.Paths[p][strings.ToLower(method)]; !ok {
			t.Errorf("route %s %s is not in openapi.yaml", method, p)
		}
	}
}

// openapiPath turns /v1/keys/:id into /v1/keys/{id}.
func openapiPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}
