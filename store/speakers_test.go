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

// TestRedeliverWithNames builds the redelivered payload from the job as
// stored, speaker names included; a nil result keeps the payload.
func TestRedeliverWithNames(t *testing.T) {
	s := newTestStore(t, newClock().Now)
	d := finishWithDelivery(t, s, "https://a.example/hook")
	if _, err := s.SetSpeakerNames(d.JobID, "k1", map[string]string{"A": "Ana"}); err != nil {
		t.Fatal(err)
	}
	var seen Job
	got, err := s.RedeliverWith(d.JobID, func(j Job) []byte {
		seen = j
		return []byte(`{"speaker_names":{"A":"` + j.SpeakerNames["A"] + `"}}`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen.ID != d.JobID || string(got.Payload) != `{"speaker_names":{"A":"Ana"}}` || got.EventID != d.EventID {
		t.Errorf("RedeliverWith: payload %s event %s (job %s), want the rebuilt payload and the same event", got.Payload, got.EventID, seen.ID)
	}
	stored, err := s.DeliveriesForJob(d.JobID)
	if err != nil || len(stored) != 1 || string(stored[0].Payload) != string(got.Payload) {
		t.Fatalf("stored deliveries = %+v, %v; want the rebuilt payload stored", stored, err)
	}
	kept, err := s.RedeliverWith(d.JobID, func(Job) []byte { return nil })
	if err != nil || string(kept.Payload) != string(got.Payload) {
		t.Errorf("RedeliverWith returning nil: payload %s, %v; want it kept", kept.Payload, err)
	}
}
