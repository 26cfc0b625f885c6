//go:build whisper

package server_test

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// speakerOf returns the speaker label of the first word containing w.
func speakerOf(t *testing.T, job map[string]any, w string) string {
	t.Helper()
	for _, s := range job["segments"].([]any) {
		for _, word := range s.(map[string]any)["words"].([]any) {
			wm := word.(map[string]any)
			if strings.Contains(strings.ToLower(wm["word"].(string)), w) {
				sp, _ := wm["speaker"].(string)
				return sp
			}
		}
	}
	t.Fatalf("no word %q in the transcript %v", w, job["text"])
	return ""
}

// TestSpeakersAndSummary runs a generated two-voice conversation through
// the API with speaker labels and a summary.
func TestSpeakersAndSummary(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	audio, err := os.ReadFile("testdata/conversation.flac")
	if err != nil {
		t.Fatal(err)
	}
	r := h.upload(h.userKey, audio, map[string]string{
		"language": "en", "speaker_labels": "true", "summary": "true", "summary_type": "bullets",
	})
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	j := h.wait(h.userKey, id, 90*time.Second, terminal)
	if j["status"] != "completed" {
		t.Fatalf("job ended %v: %v", j["status"], j["error"])
	}

	speakers, _ := j["speakers"].([]any)
	if len(speakers) != 2 {
		t.Fatalf("speakers = %v, want 2", j["speakers"])
	}
	first, second := speakerOf(t, j, "quarterly"), speakerOf(t, j, "lunch")
	if first == "" || second == "" || first == second {
		t.Errorf("quarterly by %q, lunch by %q: want two different speakers", first, second)
	}
	if got := speakerOf(t, j, "project"); got != first {
		t.Errorf("project by %q, want %q (the first voice again)", got, first)
	}
	if got := speakerOf(t, j, "meeting"); got != second {
		t.Errorf("meeting by %q, want %q (the second voice again)", got, second)
	}
	for _, s := range j["segments"].([]any) {
		seg := s.(map[string]any)
		for _, w := range seg["words"].([]any) {
			if ws := w.(map[string]any)["speaker"]; ws != seg["speaker"] {
				t.Errorf("segment %q (%v) holds a word of speaker %v", seg["text"], seg["speaker"], ws)
			}
		}
	}

	sum, _ := j["summary"].(map[string]any)
	bullets, _ := sum["bullets"].([]any)
	if sum["type"] != "bullets" || sum["method"] != "extractive" || len(bullets) == 0 || len(bullets) > 5 {
		t.Fatalf("summary = %v", j["summary"])
	}
	text := j["text"].(string)
	for _, b := range bullets {
		if !strings.Contains(text, b.(string)) {
			t.Errorf("bullet %q is not a sentence of the transcript", b)
		}
	}

	// Exports carry the speakers; no cue holds two speakers.
	srt := string(h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.srt", h.userKey, "", nil).body)
	if !strings.Contains(srt, "[Speaker A] ") || !strings.Contains(srt, "[Speaker B] ") {
		t.Errorf("srt lacks speaker prefixes:\n%s", srt)
	}
	if regexp.MustCompile(`\[Speaker [A-Z]\][^\n]*\n[^\n]*\[Speaker`).MatchString(srt) {
		t.Errorf("an srt cue holds two speakers:\n%s", srt)
	}
	vtt := string(h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.vtt", h.userKey, "", nil).body)
	if !strings.Contains(vtt, "<v Speaker A>") || !strings.Contains(vtt, "<v Speaker B>") {
		t.Errorf("vtt lacks voice tags:\n%s", vtt)
	}
	txt := string(h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.txt", h.userKey, "", nil).body)
	if !strings.HasPrefix(txt, "Speaker A: ") || !strings.Contains(txt, "\n\nSpeaker B: ") {
		t.Errorf("txt lacks speaker paragraphs:\n%s", txt)
	}
	js := string(h.do(http.MethodGet, "/v1/transcriptions/"+id+"/export.json", h.userKey, "", nil).body)
	if !strings.Contains(js, `"speakers"`) || !strings.Contains(js, `"summary"`) {
		t.Errorf("json export lacks speakers or summary")
	}
}

// TestSummaryOfJFK: one sentence summarizes to itself.
func TestSummaryOfJFK(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"language": "en", "summary": "true", "summary_type": "paragraph"})
	id := r.json(t)["id"].(string)
	j := h.wait(h.userKey, id, 60*time.Second, terminal)
	sum, _ := j["summary"].(map[string]any)
	if sum == nil || sum["type"] != "paragraph" || !strings.Contains(strings.ToLower(sum["text"].(string)), jfkPhrase) {
		t.Errorf("summary = %v, want the JFK sentence", j["summary"])
	}
	if j["speakers"] != nil {
		t.Errorf("speakers = %v without speaker_labels", j["speakers"])
	}
}
