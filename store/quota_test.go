package store

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// quotaLimits admits a job of secs seconds against a 14 s quota.
func quotaLimits(secs float64) CreateLimits {
	return CreateLimits{QuotaSeconds: 14, ProbedSeconds: secs}
}

// wantUsage asserts keyID's used and reserved seconds in the month of at.
func wantUsage(t *testing.T, s *Store, keyID string, at time.Time, used, reserved float64) {
	t.Helper()
	got, err := s.QuotaUsage(keyID, at)
	if err != nil {
		t.Fatal(err)
	}
	if got != (MonthUsage{UsedSeconds: used, ReservedSeconds: reserved}) {
		t.Errorf("QuotaUsage(%s, %s) = %+v; want used %v, reserved %v", keyID, at.Format("2006-01"), got, used, reserved)
	}
}

// checkReserved asserts that the reserved bucket holds exactly the sums of
// the active jobs' reservations, per key and month.
func checkReserved(t *testing.T, s *Store) {
	t.Helper()
	want := map[string]time.Duration{}
	got := map[string]time.Duration{}
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketJobs).ForEach(func(_, v []byte) error {
			job, err := decodeJob(v)
			if err != nil {
				return err
			}
			if !job.Status.Terminal() && job.Reserved > 0 {
				want[string(monthlyKey(job.KeyID, job.ReservedMonth))] += job.Reserved
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketReserved).ForEach(func(k, v []byte) error {
			if len(v) != 8 {
				t.Errorf("reserved total %q has %d bytes", k, len(v))
				return nil
			}
			got[string(k)] = time.Duration(binary.BigEndian.Uint64(v))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("reserved total %q = %v; active jobs hold %v", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("reserved total %q = %v; no active job holds a reservation", k, g)
		}
	}
}

// TestReservationLifecycle walks a reserved job through every way a job
// ends, or stays active, and checks that the reservation lapses exactly
// once and that usage is charged once, for completed jobs only.
func TestReservationLifecycle(t *testing.T) {
	tests := []struct {
		name     string
		sync     bool
		attempts int
		// end drives the job from queued to its end and returns the store to
		// check (a restart opens a new one).
		end  func(t *testing.T, s *Store, job Job) *Store
		used float64
	}{
		{name: "completed", used: 10.5, end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			mustFinish(t, s, job.ID, Outcome{Status: Completed, ChargeSeconds: 10.5})
			return s
		}},
		{name: "failed", end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			mustFinish(t, s, job.ID, Outcome{Status: Failed, Error: &JobError{Code: "x"}, ChargeSeconds: 11})
			return s
		}},
		{name: "canceled while queued", end: func(t *testing.T, s *Store, job Job) *Store {
			if _, err := s.CancelJob(job.ID, job.KeyID, nil); err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{name: "canceled while processing", end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			if _, err := s.CancelJob(job.ID, job.KeyID, nil); err != nil {
				t.Fatal(err)
			}
			wantUsage(t, s, job.KeyID, t0, 0, 11) // only requested so far
			mustFinish(t, s, job.ID, Outcome{Status: Canceled})
			return s
		}},
		{name: "completed then deleted", used: 11, end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			mustFinish(t, s, job.ID, Outcome{Status: Completed, ChargeSeconds: 11})
			if _, err := s.DeleteJob(job.ID, job.KeyID); err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{name: "canceled then expired", end: func(t *testing.T, s *Store, job Job) *Store {
			if _, err := s.CancelJob(job.ID, job.KeyID, nil); err != nil {
				t.Fatal(err)
			}
			if jobs, err := s.ExpireJobs(t0.Add(time.Hour), 0); err != nil || len(jobs) != 1 {
				t.Fatalf("ExpireJobs = %d jobs, %v; want 1", len(jobs), err)
			}
			return s
		}},
		{name: "requeued, then completed", used: 11, end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			if err := s.RequeueJob(job.ID, "shutdown", true); err != nil {
				t.Fatal(err)
			}
			wantUsage(t, s, job.KeyID, t0, 0, 11) // a requeue keeps it
			claim(t, s, job.ID)
			mustFinish(t, s, job.ID, Outcome{Status: Completed, ChargeSeconds: 11})
			return s
		}},
		{name: "recovered and requeued, then completed", attempts: 3, used: 11, end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			s = reopen(t, s)
			if requeued, _, err := s.RecoverOrphans(nil); err != nil || len(requeued) != 1 {
				t.Fatalf("RecoverOrphans = %d requeued, %v; want 1", len(requeued), err)
			}
			wantUsage(t, s, job.KeyID, t0, 0, 11)
			claim(t, s, job.ID)
			mustFinish(t, s, job.ID, Outcome{Status: Completed, ChargeSeconds: 11})
			return s
		}},
		{name: "recovered on its last attempt", attempts: 1, end: func(t *testing.T, s *Store, job Job) *Store {
			claim(t, s, job.ID)
			s = reopen(t, s)
			if _, finished, err := s.RecoverOrphans(nil); err != nil || len(finished) != 1 || finished[0].Status != Failed {
				t.Fatalf("RecoverOrphans = %+v, %v; want it failed", finished, err)
			}
			return s
		}},
		{name: "synchronous, recovered while queued", sync: true, end: func(t *testing.T, s *Store, job Job) *Store {
			s = reopen(t, s)
			if _, finished, err := s.RecoverOrphans(nil); err != nil || len(finished) != 1 {
				t.Fatalf("RecoverOrphans = %d finished, %v; want 1", len(finished), err)
			}
			return s
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t, newClock().Now)
			job, _, err := s.CreateJob(Job{KeyID: "k1", Sync: tt.sync, MaxAttempts: tt.attempts}, quotaLimits(11))
			if err != nil {
				t.Fatal(err)
			}
			if job.Reserved != 11*time.Second || job.ReservedMonth != "2025-01" {
				t.Errorf("reservation = %v in %q; want 11s in 2025-01", job.Reserved, job.ReservedMonth)
			}
			wantUsage(t, s, "k1", t0, 0, 11)
			if _, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(4)); !errors.Is(err, ErrQuotaExceeded) {
				t.Errorf("a second job while 11 of 14 s are reserved: %v; want ErrQuotaExceeded", err)
			}

			s = tt.end(t, s, job)

			wantUsage(t, s, "k1", t0, tt.used, 0)
			checkReserved(t, s)
			checkIndexes(t, s)
			// Nothing can end the job a second time.
			if _, err := s.FinishJob(job.ID, Outcome{Status: Completed, ChargeSeconds: 11}); !errors.Is(err, ErrNotProcessing) && !errors.Is(err, ErrNotFound) {
				t.Errorf("finishing again: %v; want ErrNotProcessing or ErrNotFound", err)
			}
			wantUsage(t, s, "k1", t0, tt.used, 0)
		})
	}
}

func mustFinish(t *testing.T, s *Store, id string, out Outcome) Job {
	t.Helper()
	j, err := s.FinishJob(id, out)
	if err != nil {
		t.Fatalf("FinishJob: %v", err)
	}
	return j
}

func TestCreateJobCountsReservations(t *testing.T) {
	s := newTestStore(t, newClock().Now)
	first, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(11))
	if err != nil {
		t.Fatal(err)
	}
	var qe *QuotaError
	_, _, err = s.CreateJob(Job{KeyID: "k1"}, quotaLimits(11))
	if !errors.As(err, &qe) || qe.UsedSeconds != 0 || qe.ReservedSeconds != 11 || qe.WantSeconds != 11 || qe.QuotaSeconds != 14 {
		t.Fatalf("second 11 s job = %v; want a QuotaError with 11 s reserved", err)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k2"}, quotaLimits(11)); err != nil {
		t.Errorf("another key's job: %v; want it admitted", err)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(3)); err != nil {
		t.Errorf("3 s job with 3 s left: %v; want it admitted", err)
	}
	// A URL import's length is unknown at create: it needs some room left.
	if _, _, err := s.CreateJob(Job{KeyID: "k1", Source: Source{URL: "https://a.example/x"}}, quotaLimits(0)); !errors.Is(err, ErrQuotaExceeded) {
		t.Errorf("URL import with the quota reserved in full: %v; want ErrQuotaExceeded", err)
	}
	if _, err := s.CancelJob(first.ID, "k1", nil); err != nil {
		t.Fatal(err)
	}
	wantUsage(t, s, "k1", t0, 0, 3)
	if _, _, err := s.CreateJob(Job{KeyID: "k1", Source: Source{URL: "https://a.example/x"}}, quotaLimits(0)); err != nil {
		t.Errorf("URL import after a cancel freed 11 s: %v; want it admitted", err)
	}
	if _, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(11)); err != nil {
		t.Errorf("11 s job after a cancel freed 11 s: %v; want it admitted", err)
	}
	// Without a quota, jobs still reserve, so that /v1/usage can show them.
	if _, _, err := s.CreateJob(Job{KeyID: "k3"}, CreateLimits{ProbedSeconds: 100}); err != nil {
		t.Fatal(err)
	}
	wantUsage(t, s, "k3", t0, 0, 100)
	checkReserved(t, s)
}

// TestCreateJobQuotaConcurrent races creates against one quota: exactly one
// 11 s job fits in 14 s.
func TestCreateJobQuotaConcurrent(t *testing.T) {
	s := newTestStore(t, newClock().Now)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		accepted int
	)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(11))
			if err != nil && !errors.Is(err, ErrQuotaExceeded) {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				accepted++
			}
		}()
	}
	wg.Wait()
	if accepted != 1 {
		t.Errorf("%d of 20 creates accepted; want 1", accepted)
	}
	wantUsage(t, s, "k1", t0, 0, 11)
}

// TestChargeToReservationMonth: a job admitted against January's quota is
// charged to January even when it completes in February.
func TestChargeToReservationMonth(t *testing.T) {
	s, clock := clockedStore(t)
	job, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(11))
	if err != nil {
		t.Fatal(err)
	}
	claim(t, s, job.ID)
	clock.Advance(2 * time.Hour)
	feb := clock.Now()
	next, _, err := s.CreateJob(Job{KeyID: "k1"}, quotaLimits(14))
	if err != nil {
		t.Fatalf("February's first job: %v; want February's quota free", err)
	}
	mustFinish(t, s, job.ID, Outcome{Status: Completed, ChargeSeconds: 11})
	wantUsage(t, s, "k1", t0, 11, 0)
	wantUsage(t, s, "k1", feb, 0, 14)
	claim(t, s, next.ID)
	mustFinish(t, s, next.ID, Outcome{Status: Failed})
	// A job that holds no reservation is charged to the current month.
	plain := mustCreate(t, s, Job{KeyID: "k1"})
	claim(t, s, plain.ID)
	mustFinish(t, s, plain.ID, Outcome{Status: Completed, ChargeSeconds: 2})
	wantUsage(t, s, "k1", feb, 2, 0)
	checkReserved(t, s)
}

func TestReserveAudio(t *testing.T) {
	s, _ := clockedStore(t)
	key := mustKey(t, s, Key{Name: "k", Hash: sha256.Sum256([]byte("secret")), QuotaSeconds: 14})
	upload, _, err := s.CreateJob(Job{KeyID: key.ID}, CreateLimits{QuotaSeconds: 14, ProbedSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	imp, _, err := s.CreateJob(Job{KeyID: key.ID, Source: Source{URL: "https://a.example/x"}}, CreateLimits{QuotaSeconds: 14})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Reserved != 0 {
		t.Errorf("URL import reserved %v at create; want nothing", imp.Reserved)
	}
	claim(t, s, upload.ID)
	claim(t, s, imp.ID)

	var qe *QuotaError
	if err := s.ReserveAudio(imp.ID, 10*time.Second); !errors.As(err, &qe) || qe.ReservedSeconds != 5 || qe.WantSeconds != 10 {
		t.Fatalf("ReserveAudio(10s) with 5 of 14 s reserved = %v; want a QuotaError", err)
	}
	wantUsage(t, s, key.ID, t0, 0, 5)
	if err := s.ReserveAudio(imp.ID, 9*time.Second); err != nil {
		t.Fatalf("ReserveAudio(9s) = %v; want it to fit exactly", err)
	}
	wantUsage(t, s, key.ID, t0, 0, 14)
	// A retry downloads again: the new length replaces the old one.
	if err := s.RequeueJob(imp.ID, "shutdown", true); err != nil {
		t.Fatal(err)
	}
	claim(t, s, imp.ID)
	if err := s.ReserveAudio(imp.ID, 8*time.Second); err != nil {
		t.Fatal(err)
	}
	wantUsage(t, s, key.ID, t0, 0, 13)
	checkReserved(t, s)

	mustFinish(t, s, imp.ID, Outcome{Status: Completed, ChargeSeconds: 8})
	if err := s.ReserveAudio(imp.ID, time.Second); !errors.Is(err, ErrNotProcessing) {
		t.Errorf("ReserveAudio of a finished job = %v; want ErrNotProcessing", err)
	}
	mustFinish(t, s, upload.ID, Outcome{Status: Failed})
	wantUsage(t, s, key.ID, t0, 8, 0)
	checkReserved(t, s)

	// Jobs of a key without a quota, or of no key, reserve without a check.
	free := mustCreate(t, s, Job{KeyID: "no such key"})
	claim(t, s, free.ID)
	if err := s.ReserveAudio(free.ID, time.Hour); err != nil {
		t.Errorf("ReserveAudio without a quota = %v", err)
	}
	wantUsage(t, s, "no such key", t0, 0, 3600)
}
