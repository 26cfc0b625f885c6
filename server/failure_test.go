package server

import (
	"errors"
	"net/http"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestJobFailureTable: every failure that a waiting request reports as its
// own API error maps to a code the API documents with a 4xx or 503 status,
// and keeps the job's message; a failure outside the table is a 500 that
// names the code.
func TestJobFailureTable(t *testing.T) {
	for code, want := range failure.RequestCodes() {
		status, ok := codeStatus[want]
		if !ok || status == http.StatusInternalServerError {
			t.Errorf("failure %s maps to %q, status %d; want an API code with its own status", code, want, status)
		}
		var ae *apiError
		err := jobFailure(store.Job{Error: &store.JobError{Code: code, Message: "the reason"}})
		if !errors.As(err, &ae) || ae.Code != want || ae.Message != "the reason" {
			t.Errorf("jobFailure(%s) = %v; want %s with the job's message", code, err, want)
		}
	}
	var ae *apiError
	err := jobFailure(store.Job{Error: &store.JobError{Code: failure.PostProcessing, Message: "diarizer broke"}})
	if !errors.As(err, &ae) || ae.Code != CodeInternal || ae.Message != "the transcription failed (post_processing_failed): diarizer broke" {
		t.Errorf("jobFailure(post_processing_failed) = %v", err)
	}
	if _, ok := failure.RequestCode(failure.Interrupted); !ok {
		t.Error("an interrupted synchronous job should answer 503, not 500")
	}
}
