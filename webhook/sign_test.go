package webhook

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// vector is one entry of testdata/vectors.json, the published signing test
// vectors. Their signatures were computed outside Go (the first is the
// Standard Webhooks reference example).
type vector struct {
	Name      string `json:"name"`
	Secret    string `json:"secret"`
	ID        string `json:"id"`
	Timestamp int64  `json:"timestamp"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatalf("testdata/vectors.json: %v", err)
	}
	if len(vs) < 4 {
		t.Fatalf("testdata/vectors.json has %d vectors; want at least 4", len(vs))
	}
	return vs
}

// headersOf returns the headers of a signed request for v.
func headersOf(v vector) http.Header {
	h := http.Header{}
	h.Set(HeaderID, v.ID)
	h.Set(HeaderTimestamp, strconv.FormatInt(v.Timestamp, 10))
	h.Set(HeaderSignature, v.Signature)
	return h
}

func TestSignVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		got, err := Sign(v.Secret, v.ID, v.Timestamp, []byte(v.Body))
		if err != nil || got != v.Signature {
			t.Errorf("%s: Sign = %q, %v; want %q", v.Name, got, err, v.Signature)
		}
		if spec := specSignature(t, v.Secret, v.ID, strconv.FormatInt(v.Timestamp, 10), []byte(v.Body)); spec != v.Signature {
			t.Errorf("%s: the spec implementation gives %q; want %q", v.Name, spec, v.Signature)
		}
		if err := Verify(v.Secret, headersOf(v), []byte(v.Body), 5*time.Minute, time.Unix(v.Timestamp, 0)); err != nil {
			t.Errorf("%s: Verify: %v", v.Name, err)
		}
	}
}

func TestSignWhsecPadding(t *testing.T) {
	// The unpadded form of a whsec_ key is the same key.
	padded, err := Sign("whsec_c2VjcmV0MQ==", "msg_1", 1, []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := Sign("whsec_c2VjcmV0MQ", "msg_1", 1, []byte("{}")); err != nil || raw != padded {
		t.Errorf("unpadded key signs %q, %v; want %q", raw, err, padded)
	}
	for _, secret := range []string{"", "whsec_", "whsec_!!notbase64", "whsec_===="} {
		if _, err := Sign(secret, "msg_1", 1, nil); !errors.Is(err, ErrSecret) {
			t.Errorf("Sign with secret %q: %v; want ErrSecret", secret, err)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	v := loadVectors(t)[1]
	at := time.Unix(v.Timestamp, 0)
	body := []byte(v.Body)
	other, _ := Sign(v.Secret, v.ID, v.Timestamp, []byte("other"))
	tests := []struct {
		name   string
		secret string
		edit   func(h http.Header)
		body   []byte
		now    time.Time
		want   error
	}{
		{"tampered body", v.Secret, nil, append([]byte(v.Body), ' '), at, ErrSignature},
		{"wrong secret", "whsec_b3RoZXIga2V5", nil, body, at, ErrSignature},
		{"changed id", v.Secret, func(h http.Header) { h.Set(HeaderID, "msg_other") }, body, at, ErrSignature},
		{"changed timestamp", v.Secret, func(h http.Header) { h.Set(HeaderTimestamp, strconv.FormatInt(v.Timestamp+1, 10)) }, body, at.Add(time.Second), ErrSignature},
		{"v2 signature only", v.Secret, func(h http.Header) { h.Set(HeaderSignature, "v2,"+v.Signature[3:]) }, body, at, ErrSignature},
		{"too old", v.Secret, nil, body, at.Add(6 * time.Minute), ErrTimestamp},
		{"too new", v.Secret, nil, body, at.Add(-6 * time.Minute), ErrTimestamp},
		{"bad timestamp", v.Secret, func(h http.Header) { h.Set(HeaderTimestamp, "soon") }, body, at, ErrTimestamp},
		{"no id", v.Secret, func(h http.Header) { h.Del(HeaderID) }, body, at, ErrMissingHeader},
		{"no timestamp", v.Secret, func(h http.Header) { h.Del(HeaderTimestamp) }, body, at, ErrMissingHeader},
		{"no signature", v.Secret, func(h http.Header) { h.Del(HeaderSignature) }, body, at, ErrMissingHeader},
		{"no secret", "", nil, body, at, ErrSecret},
		{"one of several", v.Secret, func(h http.Header) { h.Set(HeaderSignature, other+" "+v.Signature) }, body, at, nil},
		{"no tolerance", v.Secret, nil, body, at.Add(24 * time.Hour), nil},
	}
	for _, tt := range tests {
		h := headersOf(v)
		if tt.edit != nil {
			tt.edit(h)
		}
		tolerance := 5 * time.Minute
		if tt.name == "no tolerance" {
			tolerance = 0
		}
		if err := Verify(tt.secret, h, tt.body, tolerance, tt.now); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("%s: Verify = %v; want %v", tt.name, err, tt.want)
		}
	}
}
