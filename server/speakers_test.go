//go:build whisper

package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// TestSpeakerNames names a diarized job's speaker with PATCH: the name is
// validated, returned as speakers[].name, used by every export, the same
// request twice gives the same job, and a redelivery's payload carries it.
func TestSpeakerNames(t *testing.T) {
	h := newHarness(t, harnessOpts{allowPrivat: true})
	rcv := e2e.NewReceiver(t, nil)
	delivered := func(n int) string { return string(rcv.Wait(t, n, 60*time.Second).Body) }

	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"language": "en", "speaker_labels": "true",
		"callback_url": rcv.URL + "/hook", "callback_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	if first := delivered(1); strings.Contains(first, "speaker_names") {
		t.Errorf("first payload has speaker names before any were given: %s", first)
	}
	path := "/v1/transcriptions/" + id
	j := h.wait(h.userKey, id, 10*time.Second, terminal)
	sps, _ := j["speakers"].([]any)
	if len(sps) == 0 {
		t.Fatalf("diarized job has no speakers: %v", j)
	}
	label := sps[0].(map[string]any)["label"].(string)

	patch := func(body string) response {
		return h.do(http.MethodPatch, path, h.userKey, "application/json", strings.NewReader(body))
	}
	for _, bad := range []struct{ body, want string }{
		{`{"speaker_names": {"Z": "Zoe"}}`, "unknown speaker label"},
		{`{"speaker_names": {"` + label + `": ""}}`, "1 to 64"},
		{`{"speaker_names": {"` + label + `": "` + strings.Repeat("x", 65) + `"}}`, "1 to 64"},
		{`{"speaker_names": {"` + label + `": "Ana<script>"}}`, "not allowed"},
		{`{"speaker_names": {"` + label + `": "Ana\nBen"}}`, "not allowed"},
		{`{"speaker_names": {}}`, "empty"},
		{`{"names": {"A": "Ana"}}`, "unknown field"},
	} {
		got := patch(bad.body)
		if got.status != http.StatusBadRequest || got.errorCode(t) != "invalid_request" || !strings.Contains(string(got.body), bad.want) {
			t.Errorf("PATCH %s: %d %s, want 400 invalid_request mentioning %q", bad.body, got.status, got.body, bad.want)
		}
	}

	body := `{"speaker_names": {"` + label + `": "Ana María O'Neil"}}`
	first, second := patch(body), patch(body)
	if first.status != http.StatusOK || second.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s / %d %s", first.status, first.body, second.status, second.body)
	}
	name := func(r response) any {
		var j struct {
			Speakers []map[string]any `json:"speakers"`
		}
		json.Unmarshal(r.body, &j)
		for _, sp := range j.Speakers {
			if sp["label"] == label {
				return sp["name"]
			}
		}
		return nil
	}
	if name(first) != "Ana María O'Neil" || name(second) != "Ana María O'Neil" {
		t.Errorf("speakers after PATCH: %s", second.body)
	}
	if got := name(h.do(http.MethodGet, path, h.userKey, "", nil)); got != "Ana María O'Neil" {
		t.Errorf("GET speakers[].name = %v", got)
	}
	for format, want := range map[string]string{
		"txt": "Ana María O'Neil: ", "srt": "[Ana María O'Neil] ", "vtt": "<v Ana María O'Neil>", "json": `"name": "Ana María O'Neil"`,
	} {
		got := h.do(http.MethodGet, path+"/export."+format, h.userKey, "", nil)
		if got.status != http.StatusOK || !strings.Contains(string(got.body), want) {
			t.Errorf("export.%s: %d, want %q in %s", format, got.status, want, got.body)
		}
	}

	// A redelivery is built again from the stored job.
	if got := h.do(http.MethodPost, path+"/deliveries", h.userKey, "", nil); got.status != http.StatusAccepted {
		t.Fatalf("redeliver: %d %s", got.status, got.body)
	}
	if again := delivered(2); !strings.Contains(again, `"speaker_names":{"`+label+`":"Ana María O'Neil"}`) {
		t.Errorf("redelivered payload lacks the name: %s", again)
	}

	// null removes the name again.
	if got := patch(`{"speaker_names": {"` + label + `": null}}`); got.status != http.StatusOK || name(got) != nil {
		t.Errorf("PATCH null: %d, name %v", got.status, name(got))
	}
}
