package store

import (
	"errors"
	"strings"
	"testing"
)

// TestQuarantineAfterSharedCrash: two jobs crash the process together, so
// neither is charged; they then run alone, and only the one that crashes
// again alone uses up its attempts.
func TestQuarantineAfterSharedCrash(t *testing.T) {
	s := newTestStore(t, nil)
	poison := mustCreate(t, s, Job{KeyID: "k1", MaxAttempts: 1})
	healthy := mustCreate(t, s, Job{KeyID: "k2", MaxAttempts: 1})
	waiting := mustCreate(t, s, Job{KeyID: "k3"})
	claim(t, s, poison.ID)
	claim(t, s, healthy.ID)

	s = reopen(t, s)
	requeued, finished, err := s.RecoverOrphans(nil)
	if err != nil || len(requeued) != 2 || len(finished) != 0 {
		t.Fatalf("RecoverOrphans = %d requeued, %d finished, %v; want 2, 0", len(requeued), len(finished), err)
	}
	for _, id := range []string{poison.ID, healthy.ID} {
		j, _ := s.GetJob(id)
		if j.Status != Queued || !j.Isolated || j.Attempt != 0 || len(j.Errors) != 1 || !j.Errors[0].Uncounted ||
			j.Errors[0].Code != CodeInterrupted || !strings.Contains(j.Errors[0].Message, "2 jobs were processing") {
			t.Errorf("job %s after a shared crash: %s isolated=%v attempt=%d errors=%+v; want queued, isolated, attempt 0, one interrupted error",
				id, j.Status, j.Isolated, j.Attempt, j.Errors)
		}
	}
	checkIndexes(t, s)

	// The suspects run one at a time, before anything else.
	claim(t, s, poison.ID)
	if j, err := s.ClaimNext(); !errors.Is(err, ErrNoJob) {
		t.Fatalf("ClaimNext beside a quarantined job = %s, %v; want ErrNoJob", j.ID, err)
	}
	// It crashes the process again, alone this time: its attempt counts.
	s = reopen(t, s)
	if _, finished, err := s.RecoverOrphans(nil); err != nil || len(finished) != 1 || finished[0].ID != poison.ID {
		t.Fatalf("second RecoverOrphans finished %v, %v; want the poison job", finished, err)
	}
	if j, _ := s.GetJob(poison.ID); j.Status != Failed || j.Error == nil || j.Error.Code != CodeInterrupted || j.Attempt != 1 {
		t.Errorf("poison job: %s %+v attempt %d; want failed interrupted after 1 attempt", j.Status, j.Error, j.Attempt)
	}

	got := claim(t, s, healthy.ID)
	if got.Attempt != 1 {
		t.Errorf("healthy job claimed with attempt %d; want 1", got.Attempt)
	}
	if _, err := s.ClaimNext(); !errors.Is(err, ErrNoJob) {
		t.Fatalf("ClaimNext beside a quarantined job: %v; want ErrNoJob", err)
	}
	if _, err := s.FinishJob(healthy.ID, Outcome{Status: Completed}); err != nil {
		t.Fatal(err)
	}
	// Quarantine is empty: the queue resumes.
	claim(t, s, waiting.ID)
	checkIndexes(t, s)
}

// TestQuarantineWaitsForRunningJobs: a quarantined job is not claimed while
// anything else is processing, nor anything else while it runs.
func TestQuarantineWaitsForRunningJobs(t *testing.T) {
	s := newTestStore(t, nil)
	a := mustCreate(t, s, Job{KeyID: "k1"})
	b := mustCreate(t, s, Job{KeyID: "k1"})
	claim(t, s, a.ID)
	claim(t, s, b.ID)
	s = reopen(t, s)
	if _, _, err := s.RecoverOrphans(nil); err != nil {
		t.Fatal(err)
	}
	// A job created after the crash is not a suspect: it waits until both
	// suspects have run, each alone.
	url := mustCreate(t, s, Job{KeyID: "k2", Source: Source{URL: "https://example.com/x.wav"}})
	got, err := s.Claim(ClaimAudio)
	if err != nil || got.ID != a.ID {
		t.Fatalf("Claim(ClaimAudio) = %s, %v; want %s", got.ID, err, a.ID)
	}
	if _, err := s.Claim(ClaimFetch); !errors.Is(err, ErrNoJob) {
		t.Fatalf("Claim(ClaimFetch) while a quarantined job runs: %v; want ErrNoJob", err)
	}
	if _, err := s.FinishJob(a.ID, Outcome{Status: Completed}); err != nil {
		t.Fatal(err)
	}
	claim(t, s, b.ID)
	if _, err := s.FinishJob(b.ID, Outcome{Status: Completed}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Claim(ClaimFetch); err != nil || got.ID != url.ID {
		t.Fatalf("Claim(ClaimFetch) = %s, %v; want %s", got.ID, err, url.ID)
	}
	checkIndexes(t, s)
}
