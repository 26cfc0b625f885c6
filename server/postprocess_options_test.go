package server_test

import (
	"net/http"
	"testing"
)

// TestPostProcessingOptions validates the new create fields.
func TestPostProcessingOptions(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	for _, fields := range []map[string]string{
		{"speakers_expected": "2"},
		{"speaker_labels": "true", "speakers_expected": "11"},
		{"speaker_labels": "true", "speakers_expected": "two"},
		{"summary_type": "bullets"},
		{"summary": "true", "summary_type": "haiku"},
		{"min_speakers": "2"},
		{"speaker_labels": "true", "min_speakers": "0x"},
		{"speaker_labels": "true", "max_speakers": "11"},
		{"speaker_labels": "true", "min_speakers": "-1"},
		{"speaker_labels": "true", "min_speakers": "4", "max_speakers": "3"},
		{"speaker_labels": "true", "speakers_expected": "2", "max_speakers": "3"},
	} {
		if r := h.upload(h.userKey, jfk(t, 1), fields); r.status != http.StatusBadRequest || r.errorCode(t) != "invalid_request" {
			t.Errorf("%v: %d %s, want 400 invalid_request", fields, r.status, r.body)
		}
	}
	r := h.upload(h.userKey, jfk(t, 1), map[string]string{"speaker_labels": "true", "speakers_expected": "3", "summary": "true"})
	opts := r.json(t)["options"].(map[string]any)
	if opts["speaker_labels"] != true || opts["speakers_expected"] != float64(3) || opts["summary_type"] != "bullets" {
		t.Errorf("options = %v", opts)
	}
	r = h.upload(h.userKey, jfk(t, 1), map[string]string{"speaker_labels": "true", "min_speakers": "2", "max_speakers": "4"})
	opts = r.json(t)["options"].(map[string]any)
	if opts["min_speakers"] != float64(2) || opts["max_speakers"] != float64(4) || opts["speakers_expected"] != nil {
		t.Errorf("options = %v, want min_speakers 2 and max_speakers 4", opts)
	}
}
