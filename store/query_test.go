package store

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// listAll pages through ListJobs and returns the IDs in order.
func listAll(t *testing.T, s *Store, keyID string, status Status, limit int) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for range 100 {
		jobs, next, err := s.ListJobs(keyID, status, limit, cursor)
		if err != nil {
			t.Fatalf("ListJobs(%s, %q, %d, %q): %v", keyID, status, limit, cursor, err)
		}
		if len(jobs) > limit {
			t.Fatalf("ListJobs returned %d jobs; limit %d", len(jobs), limit)
		}
		for _, j := range jobs {
			if j.KeyID != keyID || (status != "" && j.Status != status) {
				t.Errorf("ListJobs(%s, %q) returned job %s of %s, %s", keyID, status, j.ID, j.KeyID, j.Status)
			}
			ids = append(ids, j.ID)
		}
		if next == "" {
			return ids
		}
		if len(jobs) != limit {
			t.Errorf("short page of %d with a next cursor", len(jobs))
		}
		cursor = next
	}
	t.Fatal("ListJobs did not terminate")
	return nil
}

func TestListJobs(t *testing.T) {
	s := newTestStore(t, nil)
	byStatus := map[string]map[Status][]string{"k1": {}, "k2": {}}
	all := map[string][]string{}
	var created []Job
	for i := range 12 {
		key := "k1"
		if i%3 == 2 {
			key = "k2"
		}
		job := mustCreate(t, s, Job{KeyID: key})
		created = append(created, job)
		all[key] = append(all[key], job.ID)
	}
	// Move the first five through the lifecycle: claim until they are
	// processing (claims alternate between k1 and k2), then finish or cancel
	// some of them.
	for _, i := range []int{0, 2, 1, 5, 3, 8, 4} {
		claim(t, s, created[i].ID)
	}
	s.FinishJob(created[0].ID, Outcome{Status: Completed})
	s.FinishJob(created[1].ID, Outcome{Status: Failed})
	s.RequeueJob(created[2].ID, "", true)
	s.FinishJob(created[3].ID, Outcome{Status: Completed})
	s.CancelJob(created[5].ID, created[5].KeyID, nil)
	s.CancelJob(created[6].ID, created[6].KeyID, nil)
	// Delete one and check it leaves every listing.
	deleted := created[0]
	if _, err := s.DeleteJob(deleted.ID, deleted.KeyID); err != nil {
		t.Fatal(err)
	}
	all[deleted.KeyID] = slices.DeleteFunc(all[deleted.KeyID], func(id string) bool { return id == deleted.ID })
	for _, key := range []string{"k1", "k2"} {
		for _, id := range all[key] {
			j, _ := s.GetJob(id)
			byStatus[key][j.Status] = append(byStatus[key][j.Status], id)
		}
	}
	checkIndexes(t, s)

	newestFirst := func(ids []string) []string {
		out := slices.Clone(ids)
		slices.Reverse(out)
		return out
	}
	for _, key := range []string{"k1", "k2", "nobody"} {
		for _, limit := range []int{1, 2, 3, 50} {
			if got, want := listAll(t, s, key, "", limit), newestFirst(all[key]); !reflect.DeepEqual(got, want) {
				t.Errorf("ListJobs(%s, all, %d) = %v; want %v", key, limit, got, want)
			}
			for _, st := range []Status{Queued, Processing, Completed, Failed, Canceled} {
				if got, want := listAll(t, s, key, st, limit), newestFirst(byStatus[key][st]); !reflect.DeepEqual(got, want) {
					t.Errorf("ListJobs(%s, %s, %d) = %v; want %v", key, st, limit, got, want)
				}
			}
		}
	}
	// The fixture must exercise every status.
	if len(byStatus["k1"]) != 5 {
		t.Errorf("k1 has only statuses %v", byStatus["k1"])
	}

	if _, _, err := s.ListJobs("k1", "bogus", 10, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown status: %v; want ErrInvalid", err)
	}
	if _, _, err := s.ListJobs("k1", "", 10, "%%%"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad cursor: %v; want ErrInvalid", err)
	}
}

func TestListJobsKeyIDPrefixes(t *testing.T) {
	// Key IDs that are prefixes of one another, or that end in a status
	// byte, must not see each other's jobs.
	s := newTestStore(t, nil)
	keys := []string{"", "a", "aq", "a\x00", "ab"}
	want := map[string]string{}
	for _, k := range keys {
		want[k] = mustCreate(t, s, Job{KeyID: k}).ID
	}
	for _, k := range keys {
		for _, st := range []Status{"", Queued} {
			if got := listAll(t, s, k, st, 10); !reflect.DeepEqual(got, []string{want[k]}) {
				t.Errorf("ListJobs(%q, %q) = %v; want [%s]", k, st, got, want[k])
			}
		}
		if n := countActive(t, s, k); n != 1 {
			t.Errorf("CountActive(%q) = %d; want 1", k, n)
		}
	}
}

func TestGetJobForKey(t *testing.T) {
	s := newTestStore(t, nil)
	job := mustCreate(t, s, Job{KeyID: "k1"})
	tests := []struct {
		id, key string
		want    error
	}{
		{job.ID, "k1", nil},
		{job.ID, "k2", ErrNotFound},
		{job.ID, "", ErrNotFound},
		{"0190b9a0-0000-7000-8000-000000000000", "k1", ErrNotFound},
		{"garbage", "k1", ErrNotFound},
	}
	for _, tt := range tests {
		got, err := s.GetJobForKey(tt.id, tt.key)
		if !errors.Is(err, tt.want) {
			t.Errorf("GetJobForKey(%s, %s) = %v; want %v", tt.id, tt.key, err, tt.want)
		}
		if err == nil && got.ID != job.ID {
			t.Errorf("GetJobForKey(%s, %s) = job %s", tt.id, tt.key, got.ID)
		}
	}
}
