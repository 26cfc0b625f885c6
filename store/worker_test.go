package store

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// claim claims the next job and checks that it is want.
func claim(t *testing.T, s *Store, want string) Job {
	t.Helper()
	job, err := s.ClaimNext()
	if err != nil {
		t.Fatalf("ClaimNext: %v", err)
	}
	if job.ID != want {
		t.Fatalf("ClaimNext = %s; want %s", job.ID, want)
	}
	return job
}

func TestClaimNextFIFO(t *testing.T) {
	s, clock := clockedStore(t)
	var ids []string
	for _, key := range []string{"k1", "k2", "k1"} {
		ids = append(ids, mustCreate(t, s, Job{KeyID: key}).ID)
	}
	clock.Advance(time.Minute)
	for _, id := range ids {
		job := claim(t, s, id)
		if job.Status != Processing || job.Attempt != 1 || job.Stage != StageStarting || !job.StartedAt.Equal(clock.Now()) {
			t.Errorf("claimed %s: status %s attempt %d stage %q started %s; want processing 1 starting %s",
				id, job.Status, job.Attempt, job.Stage, job.StartedAt, clock.Now())
		}
	}
	if _, err := s.ClaimNext(); !errors.Is(err, ErrNoJob) {
		t.Errorf("ClaimNext on an empty queue: %v; want ErrNoJob", err)
	}
	checkIndexes(t, s)
}

func TestWorkerWritesNeedProcessing(t *testing.T) {
	s := newTestStore(t, nil)
	job := mustCreate(t, s, Job{KeyID: "k1", Source: Source{URL: "https://example.com/a.mp3"}})
	if _, err := s.UpdateProgress(job.ID, "decoding", 10); !errors.Is(err, ErrNotProcessing) {
		t.Errorf("UpdateProgress on a queued job: %v; want ErrNotProcessing", err)
	}
	if err := s.SetAudio(job.ID, Source{AudioPath: "a.mp3"}, time.Second); !errors.Is(err, ErrNotProcessing) {
		t.Errorf("SetAudio on a queued job: %v; want ErrNotProcessing", err)
	}
	claim(t, s, job.ID)
	if _, err := s.UpdateProgress(job.ID, "decoding", 140); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAudio(job.ID, Source{AudioPath: "audio/a.mp3", Size: 99}, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetJob(job.ID)
	want := Source{AudioPath: "audio/a.mp3", URL: "https://example.com/a.mp3", Size: 99}
	if got.Stage != "decoding" || got.Progress != 100 || got.Source != want || got.AudioDuration != 90*time.Second {
		t.Errorf("job = stage %q progress %d source %+v duration %s; want decoding 100 %+v 1m30s", got.Stage, got.Progress, got.Source, got.AudioDuration, want)
	}
	if _, err := s.UpdateProgress("0190b9a0-0000-7000-8000-000000000000", "x", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateProgress of an unknown job: %v; want ErrNotFound", err)
	}
}

func TestFinishJobOnce(t *testing.T) {
	s, clock := clockedStore(t)
	job := mustCreate(t, s, Job{KeyID: "k1", Source: Source{AudioPath: "a.wav"}})
	claim(t, s, job.ID)
	clock.Advance(time.Minute)
	done, err := s.FinishJob(job.ID, Outcome{
		Status: Completed, Transcript: []byte(`{"text":"hi"}`), Language: "en",
		AudioDuration: 3 * time.Second, ClearAudio: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != Completed || done.Stage != StageDone || done.Progress != 100 || !done.CompletedAt.Equal(clock.Now()) ||
		done.Language != "en" || done.AudioDuration != 3*time.Second || done.Source.AudioPath != "" {
		t.Errorf("finished job = %+v", done)
	}

	clock.Advance(time.Minute)
	_, err = s.FinishJob(job.ID, Outcome{Status: Failed, Error: &JobError{Code: "x"}, Transcript: []byte("other")})
	if !errors.Is(err, ErrNotProcessing) {
		t.Fatalf("second FinishJob: %v; want ErrNotProcessing", err)
	}
	got, _ := s.GetJob(job.ID)
	if !reflect.DeepEqual(got, done) {
		t.Errorf("after second FinishJob job = %+v; want unchanged %+v", got, done)
	}
	if tr, _ := s.GetTranscript(job.ID); string(tr) != `{"text":"hi"}` {
		t.Errorf("transcript = %s; want the first one", tr)
	}
	if _, err := s.FinishJob(job.ID, Outcome{Status: Processing}); !errors.Is(err, ErrInvalid) {
		t.Errorf("FinishJob to processing: %v; want ErrInvalid", err)
	}
	checkIndexes(t, s)
}

func TestFinishJobFailedKeepsAttemptError(t *testing.T) {
	s, _ := clockedStore(t)
	job := mustCreate(t, s, Job{KeyID: "k1"})
	claim(t, s, job.ID)
	got, err := s.FinishJob(job.ID, Outcome{Status: Failed, Error: &JobError{Code: "decode", Message: "bad wav"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []AttemptError{{Attempt: 1, At: t0, Code: "decode", Message: "bad wav"}}
	if !reflect.DeepEqual(got.Errors, want) || got.Error == nil || got.Error.Code != "decode" || got.Progress != 0 {
		t.Errorf("failed job errors %+v error %+v progress %d; want %+v, decode, 0", got.Errors, got.Error, got.Progress, want)
	}
}

func TestUsageChargedOnCompletionPerMonth(t *testing.T) {
	s, clock := clockedStore(t)
	finish := func(status Status, secs float64) {
		t.Helper()
		job := mustCreate(t, s, Job{KeyID: "k1"})
		claim(t, s, job.ID)
		if _, err := s.FinishJob(job.ID, Outcome{Status: status, ChargeSeconds: secs}); err != nil {
			t.Fatal(err)
		}
	}
	finish(Completed, 60) // January, 23:00 UTC
	finish(Failed, 500)
	finish(Canceled, 500)
	clock.Advance(2 * time.Hour) // February
	finish(Completed, 30.5)
	finish(Completed, 10)

	tests := []struct {
		key   string
		month time.Time
		want  float64
	}{
		{"k1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 60},
		{"k1", time.Date(2025, 2, 14, 0, 0, 0, 0, time.UTC), 40.5},
		{"k1", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 0},
		{"k2", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), 0},
		// Months are UTC: 20:00 on 31 January in New York is already February.
		{"k1", time.Date(2025, 1, 31, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), 40.5},
	}
	for _, tt := range tests {
		got, err := s.Usage(tt.key, tt.month)
		if err != nil || got != tt.want {
			t.Errorf("Usage(%s, %s) = %v, %v; want %v", tt.key, tt.month, got, err, tt.want)
		}
	}
}

func TestFinishJobWritesDeliveryAtomically(t *testing.T) {
	s, clock := clockedStore(t)
	job := mustCreate(t, s, Job{KeyID: "k1", CallbackURL: "https://hook.example/x", CallbackSecret: "whsec"})
	claim(t, s, job.ID)

	// A delivery that cannot be stored rolls the whole finish back.
	bad := &Delivery{ID: "not-a-uuid", Payload: []byte(`{}`)}
	if _, err := s.FinishJob(job.ID, Outcome{Status: Completed, ChargeSeconds: 9, Transcript: []byte("t"), Deliver: deliver(bad)}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("FinishJob with a bad delivery: %v; want ErrInvalid", err)
	}
	if got, _ := s.GetJob(job.ID); got.Status != Processing {
		t.Errorf("after a failed FinishJob status = %s; want processing", got.Status)
	}
	if used, _ := s.Usage("k1", t0); used != 0 {
		t.Errorf("after a failed FinishJob usage = %v; want 0", used)
	}
	if _, err := s.GetTranscript(job.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after a failed FinishJob GetTranscript: %v; want ErrNotFound", err)
	}

	clock.Advance(time.Second)
	if _, err := s.FinishJob(job.ID, Outcome{Status: Completed, Deliver: deliver(&Delivery{Payload: []byte(`{"id":1}`), Event: "transcription.completed"})}); err != nil {
		t.Fatal(err)
	}
	ds, err := s.DeliveriesForJob(job.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("DeliveriesForJob = %v, %v; want one", ds, err)
	}
	got, err := s.GetDelivery(ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := Delivery{
		ID: ds[0].ID, JobID: job.ID, KeyID: "k1", URL: "https://hook.example/x", Secret: "whsec", Payload: []byte(`{"id":1}`),
		Event: "transcription.completed", EventID: DefaultEventID(job.ID, "transcription.completed"),
		NextAt: clock.Now(), CreatedAt: clock.Now(), Status: DeliveryPending,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetDelivery = %+v; want %+v", got, want)
	}
	checkIndexes(t, s)
}

func TestRequeueJob(t *testing.T) {
	s, _ := clockedStore(t)
	first := mustCreate(t, s, Job{KeyID: "k1"})
	second := mustCreate(t, s, Job{KeyID: "k1"})
	claim(t, s, first.ID)

	if err := s.RequeueJob(first.ID, "shutdown", true); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetJob(first.ID)
	if got.Status != Queued || got.Attempt != 0 || len(got.Errors) != 0 || got.Stage != StageQueued {
		t.Errorf("refunded requeue: %+v; want queued, attempt 0, no errors", got)
	}
	// Back at the head of the queue, ahead of the second job.
	if job := claim(t, s, first.ID); job.Attempt != 1 {
		t.Errorf("claim after refund: attempt %d; want 1", job.Attempt)
	}

	if err := s.RequeueJob(first.ID, "worker lost", false); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetJob(first.ID)
	want := []AttemptError{{Attempt: 1, At: t0, Code: CodeInterrupted, Message: "worker lost"}}
	if got.Attempt != 1 || !reflect.DeepEqual(got.Errors, want) {
		t.Errorf("counted requeue: attempt %d errors %+v; want 1 %+v", got.Attempt, got.Errors, want)
	}
	if err := s.RequeueJob(second.ID, "x", true); !errors.Is(err, ErrNotProcessing) {
		t.Errorf("RequeueJob of a queued job: %v; want ErrNotProcessing", err)
	}
	checkIndexes(t, s)
}
