package store

import (
	"errors"
	"testing"
	"time"
)

func TestCancelJob(t *testing.T) {
	s, _ := clockedStore(t)
	hook := "https://hook.example/c"
	queued := mustCreate(t, s, Job{KeyID: "k1", CallbackURL: hook})
	running := mustCreate(t, s, Job{KeyID: "k1", CallbackURL: hook})
	d := deliver(&Delivery{Payload: []byte(`{"status":"canceled"}`)})

	got, err := s.CancelJob(queued.ID, "k1", d)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != Canceled || !got.CompletedAt.Equal(t0) || got.Stage != StageDone {
		t.Errorf("canceled queued job = %+v", got)
	}
	if ds, _ := s.DeliveriesForJob(queued.ID); len(ds) != 1 || ds[0].URL != hook {
		t.Errorf("deliveries of the canceled job = %+v; want one to %s", ds, hook)
	}
	claim(t, s, running.ID)

	got, err = s.CancelJob(running.ID, "k1", d)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != Processing || !got.CancelRequested {
		t.Errorf("cancel of a processing job = %s, requested %v; want processing, true", got.Status, got.CancelRequested)
	}
	if ds, _ := s.DeliveriesForJob(running.ID); len(ds) != 0 {
		t.Errorf("cancel of a processing job wrote %d deliveries; want 0", len(ds))
	}
	if again, err := s.CancelJob(running.ID, "k1", nil); err != nil || !again.CancelRequested {
		t.Errorf("repeated cancel = %v, %v; want still requested", again.CancelRequested, err)
	}
	if req, err := s.UpdateProgress(running.ID, "transcribing", 40); err != nil || !req {
		t.Errorf("UpdateProgress = %v, %v; want cancel requested", req, err)
	}
	if _, err := s.FinishJob(running.ID, Outcome{Status: Canceled}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, id, key string
		want          error
	}{
		{"terminal", running.ID, "k1", ErrAlreadyFinished},
		{"canceled twice", queued.ID, "k1", ErrAlreadyFinished},
		{"other key", running.ID, "k2", ErrNotFound},
		{"unknown", "nope", "k1", ErrNotFound},
	}
	for _, tt := range tests {
		if _, err := s.CancelJob(tt.id, tt.key, nil); !errors.Is(err, tt.want) {
			t.Errorf("%s: CancelJob = %v; want %v", tt.name, err, tt.want)
		}
	}
	checkIndexes(t, s)
}

func TestDeleteJob(t *testing.T) {
	s := newTestStore(t, nil)
	lim := CreateLimits{IdempotencyKey: "idem", RequestHash: "h"}
	job, _, err := s.CreateJob(Job{KeyID: "k1", CallbackURL: "https://hook.example/d"}, lim)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteJob(job.ID, "k1"); !errors.Is(err, ErrNotFinished) {
		t.Errorf("DeleteJob of a queued job: %v; want ErrNotFinished", err)
	}
	claim(t, s, job.ID)
	if _, err := s.DeleteJob(job.ID, "k1"); !errors.Is(err, ErrNotFinished) {
		t.Errorf("DeleteJob of a processing job: %v; want ErrNotFinished", err)
	}
	s.FinishJob(job.ID, Outcome{Status: Completed, Transcript: []byte("{}"), Deliver: deliver(&Delivery{Payload: []byte("{}")})})
	if _, err := s.DeleteJob(job.ID, "k2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteJob by another key: %v; want ErrNotFound", err)
	}

	got, err := s.DeleteJob(job.ID, "k1")
	if err != nil || got.ID != job.ID || got.Status != Completed {
		t.Fatalf("DeleteJob = %s %s, %v; want the deleted job", got.ID, got.Status, err)
	}
	if _, err := s.GetJob(job.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetJob after delete: %v; want ErrNotFound", err)
	}
	if _, err := s.GetTranscript(job.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetTranscript after delete: %v; want ErrNotFound", err)
	}
	// The pending webhook still goes out.
	if ds, _ := s.DeliveriesForJob(job.ID); len(ds) != 1 {
		t.Errorf("%d deliveries after delete; want the pending one kept", len(ds))
	}
	checkIndexes(t, s)
	// The idempotency key is free again.
	again, existing, err := s.CreateJob(Job{KeyID: "k1"}, lim)
	if err != nil || existing || again.ID == job.ID {
		t.Errorf("create after delete = %s, existing %v, %v; want a new job", again.ID, existing, err)
	}
}

func TestExpireJobs(t *testing.T) {
	s, clock := clockedStore(t)
	var done []Job
	for i := range 3 {
		job := mustCreate(t, s, Job{KeyID: "k1", IdempotencyKey: string(rune('a' + i))})
		claim(t, s, job.ID)
		s.FinishJob(job.ID, Outcome{Status: []Status{Completed, Failed, Canceled}[i]})
		done = append(done, job)
		clock.Advance(time.Hour)
	}
	active := mustCreate(t, s, Job{KeyID: "k1"})

	tests := []struct {
		before time.Time
		limit  int
		want   []string
	}{
		{t0, 0, nil},
		{t0.Add(90 * time.Minute), 1, []string{done[0].ID}},
		{t0.Add(90 * time.Minute), 0, []string{done[1].ID}},
		{t0.Add(24 * time.Hour), 0, []string{done[2].ID}},
		{t0.Add(24 * time.Hour), 0, nil},
	}
	for i, tt := range tests {
		jobs, err := s.ExpireJobs(tt.before, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, j := range jobs {
			got = append(got, j.ID)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("%d: ExpireJobs(%s, %d) = %v; want %v", i, tt.before, tt.limit, got, tt.want)
		}
	}
	if _, err := s.GetJob(active.ID); err != nil {
		t.Errorf("active job expired: %v", err)
	}
	if n := countActive(t, s, "k1"); n != 1 {
		t.Errorf("CountActive = %d; want 1", n)
	}
	checkIndexes(t, s)
}
