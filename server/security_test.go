package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// The tests in this file need no model: completed jobs are written through
// the store's worker path (CreateJob, ClaimNext, FinishJob).

// keyID returns the ID of the key with the given name.
func (o *observed) keyID(name string) string {
	o.t.Helper()
	keys, err := o.st.ListKeys()
	if err != nil {
		o.t.Fatal(err)
	}
	for _, k := range keys {
		if k.Name == name {
			return k.ID
		}
	}
	o.t.Fatalf("no key named %q", name)
	return ""
}

// completedJob runs a job of keyID through the store's worker path to
// completed, with a one-segment transcript.
func (o *observed) completedJob(keyID string) string {
	o.t.Helper()
	job, _, err := o.st.CreateJob(store.Job{KeyID: keyID, MaxAttempts: 1}, store.CreateLimits{})
	if err != nil {
		o.t.Fatal(err)
	}
	if c, err := o.st.ClaimNext(); err != nil || c.ID != job.ID {
		o.t.Fatalf("ClaimNext = %s, %v; want %s", c.ID, err, job.ID)
	}
	tr, _ := json.Marshal(export.JSONTranscript{Language: "en", Duration: 2, Text: "hello there",
		Segments: []export.JSONSegment{{Start: 0, End: 2, Text: "hello there"}}})
	if _, err := o.st.FinishJob(job.ID, store.Outcome{Status: store.Completed, Transcript: tr}); err != nil {
		o.t.Fatal(err)
	}
	return job.ID
}

// downloadURLs returns a completed job's download URLs, as path?query.
func (o *observed) downloadURLs(key, id string) map[string]string {
	o.t.Helper()
	rec := o.do(http.MethodGet, "/v1/transcriptions/"+id, key)
	var j struct {
		DownloadURLs map[string]string `json:"download_urls"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &j) != nil || len(j.DownloadURLs) != 4 {
		o.t.Fatalf("GET job: %d %s; want download_urls", rec.Code, rec.Body)
	}
	out := map[string]string{}
	for f, raw := range j.DownloadURLs {
		u, err := url.Parse(raw)
		if err != nil {
			o.t.Fatal(err)
		}
		out[f] = u.RequestURI()
	}
	return out
}

// errorOf decodes the JSON error shape, failing the test on anything else.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) errorDetail {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || b.Error.Code == "" {
		t.Fatalf("body %s is not the JSON error shape", rec.Body)
	}
	return b.Error
}

// TestExportHeaders: exports are not sniffed and do not leak their URL
// through Referer, whether fetched by key or by signed URL.
func TestExportHeaders(t *testing.T) {
	o := newObserved(t, nil)
	id := o.completedJob(o.keyID("user"))
	for f, signed := range o.downloadURLs(o.user, id) {
		byKey := o.do(http.MethodGet, "/v1/transcriptions/"+id+"/export."+f, o.user)
		bySig := o.do(http.MethodGet, signed, "")
		for how, rec := range map[string]*httptest.ResponseRecorder{"key": byKey, "signed url": bySig} {
			if rec.Code != http.StatusOK {
				t.Fatalf("%s export by %s: %d %s", f, how, rec.Code, rec.Body)
			}
			h := rec.Header()
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s export by %s: X-Content-Type-Options %q, Referrer-Policy %q; want nosniff, no-referrer",
					f, how, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
			}
		}
	}
}

// TestSignedURLRevokedKey: a signed URL stops working when the key that
// owns the job is revoked, with a 403 in the JSON error shape.
func TestSignedURLRevokedKey(t *testing.T) {
	o := newObserved(t, nil)
	uid := o.keyID("user")
	id := o.completedJob(uid)
	signed := o.downloadURLs(o.user, id)["txt"]
	if rec := o.do(http.MethodGet, signed, ""); rec.Code != http.StatusOK {
		t.Fatalf("signed url before revocation: %d %s", rec.Code, rec.Body)
	}
	if rec := o.do(http.MethodDelete, "/v1/keys/"+uid, o.admin); rec.Code != http.StatusOK {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	rec := o.do(http.MethodGet, signed, "")
	if e := errorOf(t, rec); rec.Code != http.StatusForbidden || e.Code != CodeForbidden || !strings.Contains(e.Message, "revoked") {
		t.Errorf("signed url after revocation: %d %s; want 403 forbidden naming the revocation", rec.Code, rec.Body)
	}
	// A job that does not exist is refused like a bad signature.
	q := signed[strings.Index(signed, "?"):]
	rec = o.do(http.MethodGet, "/v1/transcriptions/0190a0b0-0000-7000-8000-000000000000/export.txt"+q, "")
	if e := errorOf(t, rec); rec.Code != http.StatusForbidden || e.Message != "invalid signed url" {
		t.Errorf("signed url of a missing job: %d %s; want 403 invalid signed url", rec.Code, rec.Body)
	}
}

// TestRotateSigningSecret: after a rotation new URLs name the new kid and
// old ones keep working until drop_old; URLs of earlier builds (no kid,
// signed by version 1) work until version 1 is dropped.
func TestRotateSigningSecret(t *testing.T) {
	o := newObserved(t, nil)
	id := o.completedJob(o.keyID("user"))
	get := func(u string) int { return o.do(http.MethodGet, u, "").Code }
	kidOf := func(u string) string { q, _ := url.ParseQuery(u[strings.Index(u, "?")+1:]); return q.Get("kid") }

	v1 := o.downloadURLs(o.user, id)["srt"]
	if kidOf(v1) != "1" {
		t.Fatalf("first url %s; want kid=1", v1)
	}
	secrets, err := o.st.Secrets(delivery.SecretName, delivery.SecretBytes)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour).Unix()
	legacy := "/v1/transcriptions/" + id + "/export.srt?" + url.Values{
		"expires": {strconv.FormatInt(exp, 10)},
		"sig":     {legacyMAC(secrets[0].Secret, id, "srt", exp)},
	}.Encode()

	rotate := func(key, body string) *httptest.ResponseRecorder {
		return o.send(http.MethodPost, "/v1/admin/signing-secret/rotate", key, strings.NewReader(body), "Content-Type", "application/json")
	}
	if rec := rotate(o.user, ""); rec.Code != http.StatusForbidden {
		t.Errorf("rotate with a user key: %d, want 403", rec.Code)
	}
	if rec := rotate(o.admin, `{"drop_old": "yes"}`); rec.Code != http.StatusBadRequest {
		t.Errorf("rotate with a bad body: %d, want 400", rec.Code)
	}
	rec := rotate(o.admin, "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"kid":"2"`) || !strings.Contains(rec.Body.String(), `"verifying_kids":["2","1"]`) {
		t.Fatalf("rotate: %d %s; want kid 2, verifying 2 and 1", rec.Code, rec.Body)
	}
	v2 := o.downloadURLs(o.user, id)["srt"]
	if kidOf(v2) != "2" {
		t.Errorf("url after rotation %s; want kid=2", v2)
	}
	for name, u := range map[string]string{"kid 1": v1, "kid 2": v2, "legacy": legacy} {
		if got := get(u); got != http.StatusOK {
			t.Errorf("%s url after a rotation: %d, want 200", name, got)
		}
	}
	// A kid that was never issued, or another version's signature under a
	// kid, is refused.
	if got := get(strings.Replace(v2, "kid=2", "kid=1", 1)); got != http.StatusForbidden {
		t.Errorf("kid 2 signature presented as kid 1: %d, want 403", got)
	}
	if got := get(strings.Replace(v2, "kid=2", "kid=9", 1)); got != http.StatusForbidden {
		t.Errorf("unknown kid: %d, want 403", got)
	}

	rec = rotate(o.admin, `{"drop_old": true}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"verifying_kids":["3"]`) {
		t.Fatalf("rotate drop_old: %d %s; want only kid 3", rec.Code, rec.Body)
	}
	for name, u := range map[string]string{"kid 1": v1, "kid 2": v2, "legacy": legacy} {
		rec := o.do(http.MethodGet, u, "")
		if e := errorOf(t, rec); rec.Code != http.StatusForbidden || e.Code != CodeForbidden {
			t.Errorf("%s url after drop_old: %d %s; want 403 forbidden", name, rec.Code, rec.Body)
		}
	}
	if got := get(o.downloadURLs(o.user, id)["srt"]); got != http.StatusOK {
		t.Errorf("kid 3 url: %d, want 200", got)
	}
	// The rotation log names versions, never a secret.
	logs := o.logs.String()
	if l := o.lines("download url signing secret rotated"); len(l) != 2 {
		t.Errorf("%d rotation log lines; want 2", len(l))
	}
	for _, v := range secrets {
		for _, enc := range []string{base64.StdEncoding.EncodeToString(v.Secret), base64.RawURLEncoding.EncodeToString(v.Secret)} {
			if strings.Contains(logs, enc) || strings.Contains(rec.Body.String(), enc) {
				t.Error("a signing secret is in the log or the response")
			}
		}
	}
}

// TestRevokeLastAdminKey: the last admin key cannot be revoked through the
// API (409 conflict); with a second admin key it can.
func TestRevokeLastAdminKey(t *testing.T) {
	o := newObserved(t, nil)
	adminID := o.keyID("admin")
	rec := o.do(http.MethodDelete, "/v1/keys/"+adminID, o.admin)
	if e := errorOf(t, rec); rec.Code != http.StatusConflict || e.Code != CodeConflict || !strings.Contains(e.Message, "last admin key") {
		t.Fatalf("revoke the last admin key: %d %s; want 409 conflict", rec.Code, rec.Body)
	}
	if _, _, err := NewKey(o.st, "admin2", 0, true); err != nil {
		t.Fatal(err)
	}
	if rec := o.do(http.MethodDelete, "/v1/keys/"+adminID, o.admin); rec.Code != http.StatusOK {
		t.Errorf("revoke with a second admin key: %d %s", rec.Code, rec.Body)
	}
}

// legacyMAC is the signature of a download URL made by a build before key
// IDs and secret versions: HMAC-SHA256 by version 1 over "export/v1", the
// job ID, the format and the expiry, one per line, in unpadded URL base64.
func legacyMAC(secret []byte, jobID, format string, expires int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("export/v1\n" + jobID + "\n" + format + "\n" + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
