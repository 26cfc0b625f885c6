package store

import (
	"reflect"
	"testing"
	"time"
)

// TestRecoverOrphans crashes with one job processing at a time, so that the
// crash is blamed on it: each case is its own crash.
func TestRecoverOrphans(t *testing.T) {
	tests := []struct {
		name       string
		job        Job
		cancel     bool
		status     Status
		errCode    string
		deliveries int
	}{
		{"retry", Job{KeyID: "k1", MaxAttempts: 3}, false, Queued, "", 0},
		{"last", Job{KeyID: "k1", MaxAttempts: 1, CallbackURL: "https://hook.example/a"}, false, Failed, CodeInterrupted, 1},
		{"quiet", Job{KeyID: "k1", MaxAttempts: 1}, false, Failed, CodeInterrupted, 0},
		{"cancel", Job{KeyID: "k1", MaxAttempts: 3, CallbackURL: "https://hook.example/b"}, true, Canceled, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clock := clockedStore(t)
			job := mustCreate(t, s, tt.job)
			waiting := mustCreate(t, s, Job{KeyID: "k1"})
			claim(t, s, job.ID)
			if tt.cancel {
				if _, err := s.CancelJob(job.ID, "k1", nil); err != nil {
					t.Fatal(err)
				}
			}

			// Simulate a crash: the file is closed with the job processing.
			s = reopen(t, s)
			clock.Advance(time.Minute)
			var built []string
			build := func(j Job) *Delivery {
				built = append(built, j.ID)
				return &Delivery{Payload: []byte(`{"status":"` + string(j.Status) + `"}`)}
			}
			requeued, finished, err := s.RecoverOrphans(build)
			if err != nil {
				t.Fatal(err)
			}

			got, err := s.GetJob(job.ID)
			if err != nil {
				t.Fatal(err)
			}
			var code string
			if got.Error != nil {
				code = got.Error.Code
			}
			if got.Status != tt.status || code != tt.errCode {
				t.Errorf("status %s error %q; want %s %q", got.Status, code, tt.status, tt.errCode)
			}
			interrupted := AttemptError{Attempt: 1, At: clock.Now(), Code: CodeInterrupted, Message: interruptedMessage}
			if got.Attempt != 1 || !reflect.DeepEqual(got.Errors, []AttemptError{interrupted}) || got.Isolated {
				t.Errorf("attempt %d errors %+v isolated %v; want 1 [%+v] false", got.Attempt, got.Errors, got.Isolated, interrupted)
			}
			if ds, _ := s.DeliveriesForJob(job.ID); len(ds) != tt.deliveries {
				t.Errorf("%d deliveries; want %d", len(ds), tt.deliveries)
			} else if len(ds) == 1 && string(ds[0].Payload) != `{"status":"`+string(tt.status)+`"}` {
				t.Errorf("delivery payload %s built from the wrong state", ds[0].Payload)
			}
			if tt.deliveries == 1 && !reflect.DeepEqual(built, []string{job.ID}) {
				t.Errorf("build called for %v; want [%s]", built, job.ID)
			}
			if tt.status == Queued {
				if len(requeued) != 1 || requeued[0].ID != job.ID || len(finished) != 0 {
					t.Errorf("RecoverOrphans = %d requeued, %d finished; want [%s], 0", len(requeued), len(finished), job.ID)
				}
				// The requeued job keeps its place ahead of the job that
				// never ran, and its attempt count.
				if j := claim(t, s, job.ID); j.Attempt != 2 {
					t.Errorf("reclaimed attempt = %d; want 2", j.Attempt)
				}
			} else {
				if len(requeued) != 0 || len(finished) != 1 || finished[0].ID != job.ID {
					t.Errorf("RecoverOrphans = %d requeued, %d finished; want 0, [%s]", len(requeued), len(finished), job.ID)
				}
				claim(t, s, waiting.ID)
			}
			checkIndexes(t, s)

			requeued, finished, err = s.RecoverOrphans(nil)
			if err != nil || len(requeued)+len(finished) != 1 {
				t.Errorf("second RecoverOrphans = %d+%d jobs, %v; want the one claimed since", len(requeued), len(finished), err)
			}
		})
	}
}
