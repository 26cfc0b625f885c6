package store

import (
	"reflect"
	"testing"
	"time"
)

func TestRecoverOrphans(t *testing.T) {
	clock := newClock()
	s := newTestStore(t, clock.Now)
	retry := mustCreate(t, s, Job{KeyID: "k1", MaxAttempts: 3})
	last := mustCreate(t, s, Job{KeyID: "k1", MaxAttempts: 1, CallbackURL: "https://hook.example/a"})
	quiet := mustCreate(t, s, Job{KeyID: "k1", MaxAttempts: 1})
	cancel := mustCreate(t, s, Job{KeyID: "k1", MaxAttempts: 3, CallbackURL: "https://hook.example/b"})
	waiting := mustCreate(t, s, Job{KeyID: "k1"})
	for _, job := range []Job{retry, last, quiet, cancel} {
		claim(t, s, job.ID)
	}
	if _, err := s.CancelJob(cancel.ID, "k1", nil); err != nil {
		t.Fatal(err)
	}

	// Simulate a crash: the file is closed with four jobs processing.
	s = reopen(t, s)
	clock.Add(time.Minute)
	var built []string
	build := func(j Job) *Delivery {
		built = append(built, j.ID)
		return &Delivery{Payload: []byte(`{"status":"` + string(j.Status) + `"}`)}
	}
	requeued, finished, err := s.RecoverOrphans(build)
	if err != nil {
		t.Fatal(err)
	}

	interrupted := AttemptError{Attempt: 1, At: clock.Now(), Code: CodeInterrupted, Message: interruptedMessage}
	tests := []struct {
		id         string
		status     Status
		errCode    string
		deliveries int
	}{
		{retry.ID, Queued, "", 0},
		{last.ID, Failed, CodeInterrupted, 1},
		{quiet.ID, Failed, CodeInterrupted, 0},
		{cancel.ID, Canceled, "", 1},
		{waiting.ID, Queued, "", 0},
	}
	for _, tt := range tests {
		got, err := s.GetJob(tt.id)
		if err != nil {
			t.Fatal(err)
		}
		var code string
		if got.Error != nil {
			code = got.Error.Code
		}
		if got.Status != tt.status || code != tt.errCode {
			t.Errorf("job %s: status %s error %q; want %s %q", tt.id, got.Status, code, tt.status, tt.errCode)
		}
		if tt.id != waiting.ID {
			if got.Attempt != 1 || !reflect.DeepEqual(got.Errors, []AttemptError{interrupted}) {
				t.Errorf("job %s: attempt %d errors %+v; want 1 [%+v]", tt.id, got.Attempt, got.Errors, interrupted)
			}
		}
		if ds, _ := s.DeliveriesForJob(tt.id); len(ds) != tt.deliveries {
			t.Errorf("job %s: %d deliveries; want %d", tt.id, len(ds), tt.deliveries)
		} else if len(ds) == 1 && string(ds[0].Payload) != `{"status":"`+string(tt.status)+`"}` {
			t.Errorf("job %s: delivery payload %s built from the wrong state", tt.id, ds[0].Payload)
		}
	}
	if len(requeued) != 1 || requeued[0].ID != retry.ID || len(finished) != 3 {
		t.Errorf("RecoverOrphans = %d requeued, %d finished; want [%s], 3", len(requeued), len(finished), retry.ID)
	}
	if want := []string{last.ID, cancel.ID}; !reflect.DeepEqual(built, want) {
		t.Errorf("build called for %v; want %v", built, want)
	}
	// The requeued job keeps its place ahead of the job that never ran, and
	// its attempt count.
	if job := claim(t, s, retry.ID); job.Attempt != 2 {
		t.Errorf("reclaimed attempt = %d; want 2", job.Attempt)
	}
	checkIndexes(t, s)

	requeued, finished, err = s.RecoverOrphans(nil)
	if err != nil || len(requeued)+len(finished) != 1 {
		t.Errorf("second RecoverOrphans = %d+%d jobs, %v; want the one claimed since", len(requeued), len(finished), err)
	}
}
