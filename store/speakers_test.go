package store

import (
	"errors"
	"maps"
	"testing"
)

func TestSetSpeakerNames(t *testing.T) {
	s := newTestStore(t, newClock().Now)
	job := mustCreate(t, s, Job{KeyID: "k1", Source: Source{AudioPath: "a.wav"}})
	if _, err := s.SetSpeakerNames(job.ID, "k1", map[string]string{"A": "Ana"}); !errors.Is(err, ErrNotFinished) {
		t.Fatalf("naming a queued job: err = %v, want ErrNotFinished", err)
	}
	claim(t, s, job.ID)
	if _, err := s.FinishJob(job.ID, Outcome{Status: Completed, Transcript: []byte(`{"text":"hi"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSpeakerNames(job.ID, "k2", map[string]string{"A": "Ana"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another key: err = %v, want ErrNotFound", err)
	}

	steps := []struct {
		set  map[string]string
		want map[string]string
	}{
		{map[string]string{"A": "Ana", "B": "Ben"}, map[string]string{"A": "Ana", "B": "Ben"}},
		{map[string]string{"A": "Ana", "B": "Ben"}, map[string]string{"A": "Ana", "B": "Ben"}}, // idempotent
		{map[string]string{"B": "Bea"}, map[string]string{"A": "Ana", "B": "Bea"}},             // merge
		{map[string]string{"A": ""}, map[string]string{"B": "Bea"}},                            // remove
		{map[string]string{"B": ""}, nil},
	}
	for i, st := range steps {
		got, err := s.SetSpeakerNames(job.ID, "k1", st.set)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		stored, err := s.GetJob(job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got.SpeakerNames, st.want) || !maps.Equal(stored.SpeakerNames, st.want) {
			t.Errorf("step %d: returned %v, stored %v, want %v", i, got.SpeakerNames, stored.SpeakerNames, st.want)
		}
		if stored.Status != Completed {
			t.Errorf("step %d: status %s, want completed", i, stored.Status)
		}
	}
}
