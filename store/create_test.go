package store

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

// mustCreate creates a job for keyID with no limits.
func mustCreate(t testing.TB, s *Store, job Job) Job {
	t.Helper()
	got, _, err := s.CreateJob(job, CreateLimits{})
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	return got
}

func TestCreateJobFields(t *testing.T) {
	s, _ := clockedStore(t)
	got, existing, err := s.CreateJob(Job{
		KeyID: "k1", Status: Completed, Attempt: 5, Progress: 50,
		Source:   Source{AudioPath: "audio/x.wav", Filename: "x.wav", Size: 10},
		Options:  JobOptions{Language: "de", Diarize: true},
		Metadata: []byte(`{"a":1}`),
	}, CreateLimits{})
	if err != nil || existing {
		t.Fatalf("CreateJob = existing %v, err %v", existing, err)
	}
	if got.Status != Queued || got.Stage != StageQueued || got.Attempt != 0 || got.Progress != 0 {
		t.Errorf("new job status/stage/attempt/progress = %s/%s/%d/%d; want queued/queued/0/0", got.Status, got.Stage, got.Attempt, got.Progress)
	}
	if !got.CreatedAt.Equal(t0) || got.MaxAttempts != DefaultMaxAttempts {
		t.Errorf("CreatedAt, MaxAttempts = %s, %d; want %s, %d", got.CreatedAt, got.MaxAttempts, t0, DefaultMaxAttempts)
	}
	if _, ok := idBytes(got.ID); !ok {
		t.Errorf("ID %q is not a UUIDv7", got.ID)
	}
	read, err := s.GetJob(got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if read.Source != got.Source || !reflect.DeepEqual(read.Options, got.Options) || string(read.Metadata) != `{"a":1}` || !read.CreatedAt.Equal(got.CreatedAt) {
		t.Errorf("GetJob = %+v; want %+v", read, got)
	}

	if _, _, err := s.CreateJob(Job{ID: "not-a-uuid"}, CreateLimits{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("CreateJob with a bad ID: %v; want ErrInvalid", err)
	}
	if _, _, err := s.CreateJob(Job{ID: got.ID}, CreateLimits{}); !errors.Is(err, ErrExists) {
		t.Errorf("CreateJob with a used ID: %v; want ErrExists", err)
	}
}

func TestCreateJobIdempotency(t *testing.T) {
	s, clock := clockedStore(t)
	lim := func(key, hash string) CreateLimits {
		return CreateLimits{IdempotencyKey: key, RequestHash: hash, IdempotencyTTL: 24 * time.Hour}
	}
	orig, existing, err := s.CreateJob(Job{KeyID: "k1"}, lim("idem", "h1"))
	if err != nil || existing {
		t.Fatalf("first CreateJob = existing %v, err %v", existing, err)
	}

	clock.Advance(23 * time.Hour)
	got, existing, err := s.CreateJob(Job{KeyID: "k1"}, lim("idem", "h1"))
	if err != nil || !existing || got.ID != orig.ID {
		t.Errorf("repeat = %s, existing %v, err %v; want %s, true, nil", got.ID, existing, err, orig.ID)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k1"}, lim("idem", "h2")); !errors.Is(err, ErrIdempotencyConflict) {
		t.Errorf("other request hash: %v; want ErrIdempotencyConflict", err)
	}
	other, existing, err := s.CreateJob(Job{KeyID: "k2"}, lim("idem", "h2"))
	if err != nil || existing || other.ID == orig.ID {
		t.Errorf("same idempotency key, other API key = %s, existing %v, err %v; want a new job", other.ID, existing, err)
	}

	clock.Advance(time.Hour) // 24h after the first request: expired
	renewed, existing, err := s.CreateJob(Job{KeyID: "k1"}, lim("idem", "h2"))
	if err != nil || existing || renewed.ID == orig.ID {
		t.Fatalf("after TTL = %s, existing %v, err %v; want a new job", renewed.ID, existing, err)
	}
	got, existing, err = s.CreateJob(Job{KeyID: "k1"}, lim("idem", "h2"))
	if err != nil || !existing || got.ID != renewed.ID {
		t.Errorf("repeat after renewal = %s, existing %v, err %v; want %s", got.ID, existing, err, renewed.ID)
	}
	if n := countActive(t, s, "k1"); n != 2 {
		t.Errorf("CountActive(k1) = %d; want 2", n)
	}
	checkIndexes(t, s)
}

func TestCreateJobIdempotencyConcurrent(t *testing.T) {
	s := newTestStore(t, nil)
	const n = 20
	ids := make([]string, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			job, existing, err := s.CreateJob(Job{KeyID: "k1"}, CreateLimits{IdempotencyKey: "once", RequestHash: "h"})
			if err != nil {
				t.Errorf("CreateJob: %v", err)
				return
			}
			ids[i], created[i] = job.ID, !existing
		})
	}
	wg.Wait()
	creates := 0
	for i := range n {
		if created[i] {
			creates++
		}
		if ids[i] != ids[0] {
			t.Errorf("goroutine %d got job %s; want %s", i, ids[i], ids[0])
		}
	}
	if creates != 1 {
		t.Errorf("%d goroutines created a job; want 1", creates)
	}
	jobs, _, err := s.ListJobs("k1", "", 100, "")
	if err != nil || len(jobs) != 1 {
		t.Errorf("ListJobs = %d jobs, %v; want 1", len(jobs), err)
	}
}

func TestCreateJobQueueLimit(t *testing.T) {
	s := newTestStore(t, nil)
	lim := CreateLimits{MaxQueued: 2}
	for range 2 {
		if _, _, err := s.CreateJob(Job{KeyID: "k1"}, lim); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k1"}, lim); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("third job: %v; want ErrQueueFull", err)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k2"}, lim); err != nil {
		t.Errorf("other key: %v; want no limit", err)
	}
	job, err := s.ClaimNext()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k1"}, lim); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("with one processing: %v; want ErrQueueFull", err)
	}
	if _, err := s.FinishJob(job.ID, Outcome{Status: Completed}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k1"}, lim); err != nil {
		t.Errorf("after one finished: %v; want success", err)
	}
}

func TestCreateJobQuota(t *testing.T) {
	s, clock := clockedStore(t)
	job := mustCreate(t, s, Job{KeyID: "k1"})
	s.ClaimNext()
	if _, err := s.FinishJob(job.ID, Outcome{Status: Completed, ChargeSeconds: 60}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		advance time.Duration
		probed  float64
		want    error
	}{
		{"over", 0, 41, ErrQuotaExceeded},
		{"exactly the quota", 0, 40, nil},
		{"next month", 2 * time.Hour, 100, nil},
		{"next month over", 0, 101, ErrQuotaExceeded},
	}
	for _, tt := range tests {
		clock.Advance(tt.advance)
		_, _, err := s.CreateJob(Job{KeyID: "k1"}, CreateLimits{QuotaSeconds: 100, ProbedSeconds: tt.probed})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: CreateJob = %v; want %v", tt.name, err, tt.want)
		}
	}
}
