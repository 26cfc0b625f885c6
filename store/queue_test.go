package store

import (
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// claimAll claims until the queues are empty and returns the IDs in claim
// order.
func claimAll(t *testing.T, s *Store) []string {
	t.Helper()
	var got []string
	for {
		job, err := s.ClaimNext()
		if errors.Is(err, ErrNoJob) {
			return got
		}
		if err != nil {
			t.Fatalf("ClaimNext: %v", err)
		}
		got = append(got, job.ID)
	}
}

func equalIDs(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestClaimNextAlternatesQueues(t *testing.T) {
	s := newTestStore(t, nil)
	var async, sync []string
	for i := range 6 {
		// Interleave creation so ID order alone would not alternate.
		if i < 4 {
			async = append(async, mustCreate(t, s, Job{KeyID: "k1"}).ID)
		}
		if i >= 3 {
			sync = append(sync, mustCreate(t, s, Job{KeyID: "k2", Sync: true}).ID)
		}
	}
	got := claimAll(t, s)
	// No claim yet: the first contested claim goes to the async queue; then
	// turns alternate while both queues hold jobs; then the rest of the
	// longer queue, FIFO.
	want := []string{async[0], sync[0], async[1], sync[1], async[2], sync[2], async[3]}
	if !equalIDs(got, want) {
		t.Errorf("claim order = %v; want %v", got, want)
	}
	checkIndexes(t, s)
}

func TestClaimNextTurnFollowsLastClaim(t *testing.T) {
	s := newTestStore(t, nil)
	// Only sync jobs for a while: each claim is sync's turn.
	s1 := mustCreate(t, s, Job{KeyID: "k1", Sync: true})
	claim(t, s, s1.ID)
	// Then async work arrives before more sync work: async goes first, as
	// sync served the last claim, though the sync job is older than the
	// second async job.
	a1 := mustCreate(t, s, Job{KeyID: "k1"})
	s2 := mustCreate(t, s, Job{KeyID: "k1", Sync: true})
	a2 := mustCreate(t, s, Job{KeyID: "k1"})
	if got, want := claimAll(t, s), []string{a1.ID, s2.ID, a2.ID}; !equalIDs(got, want) {
		t.Errorf("claim order = %v; want %v", got, want)
	}

	// A backlog of async jobs does not hold back a new sync job by more
	// than one claim, and the turn survives a restart.
	var backlog []string
	for range 3 {
		backlog = append(backlog, mustCreate(t, s, Job{KeyID: "k1"}).ID)
	}
	claim(t, s, backlog[0])
	s = reopen(t, s)
	s3 := mustCreate(t, s, Job{KeyID: "k2", Sync: true})
	if got, want := claimAll(t, s), []string{s3.ID, backlog[1], backlog[2]}; !equalIDs(got, want) {
		t.Errorf("claim order after restart = %v; want %v", got, want)
	}
	checkIndexes(t, s)
}

func TestSyncJobCancelAndRequeue(t *testing.T) {
	s := newTestStore(t, nil)
	queued := mustCreate(t, s, Job{KeyID: "k1", Sync: true, Options: JobOptions{Prompt: "Kennedy"}})
	running := mustCreate(t, s, Job{KeyID: "k1", Sync: true})
	if got, _ := s.GetJob(queued.ID); !got.Sync || got.Options.Prompt != "Kennedy" {
		t.Errorf("stored job: Sync %v, Prompt %q; want true, Kennedy", got.Sync, got.Options.Prompt)
	}
	if _, err := s.CancelJob(queued.ID, "k1", nil); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	claim(t, s, running.ID)
	if err := s.RequeueJob(running.ID, "shutdown", true); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	// Back in the sync queue, in its place.
	if job := claim(t, s, running.ID); !job.Sync || job.Attempt != 1 {
		t.Errorf("reclaimed: Sync %v attempt %d; want true 1", job.Sync, job.Attempt)
	}
	checkIndexes(t, s)
}

func TestRecoverOrphansFailsSyncJobs(t *testing.T) {
	s, clock := clockedStore(t)
	running := mustCreate(t, s, Job{KeyID: "k1", Sync: true})
	claim(t, s, running.ID)
	waiting := mustCreate(t, s, Job{KeyID: "k1", Sync: true})
	async := mustCreate(t, s, Job{KeyID: "k1"})

	s = reopen(t, s)
	clock.Advance(time.Minute)
	requeued, finished, err := s.RecoverOrphans(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(requeued) != 0 || len(finished) != 2 {
		t.Errorf("RecoverOrphans = %d requeued, %d finished; want 0, 2", len(requeued), len(finished))
	}
	for _, tt := range []struct {
		id     string
		status Status
		errs   int
	}{
		{running.ID, Failed, 1},
		{waiting.ID, Failed, 0},
		{async.ID, Queued, 0},
	} {
		got, err := s.GetJob(tt.id)
		if err != nil {
			t.Fatal(err)
		}
		code := ""
		if got.Error != nil {
			code = got.Error.Code
		}
		wantCode := ""
		if tt.status == Failed {
			wantCode = CodeInterrupted
		}
		if got.Status != tt.status || code != wantCode || len(got.Errors) != tt.errs {
			t.Errorf("job %s: %s %q with %d attempt errors; want %s %q with %d", tt.id, got.Status, code, len(got.Errors), tt.status, wantCode, tt.errs)
		}
	}
	claim(t, s, async.ID)
	checkIndexes(t, s)
}

func TestClaimRoundRobinOverKeys(t *testing.T) {
	s := newTestStore(t, nil)
	var a []string
	for range 5 {
		a = append(a, mustCreate(t, s, Job{KeyID: "key-a"}).ID)
	}
	b := mustCreate(t, s, Job{KeyID: "key-b"}).ID
	c := mustCreate(t, s, Job{KeyID: "key-c"}).ID
	got := claimAll(t, s)
	// key-a queued first and most, but key-b's job is claimed second and
	// key-c's third; then key-a's backlog, FIFO.
	want := []string{a[0], b, c, a[1], a[2], a[3], a[4]}
	if !equalIDs(got, want) {
		t.Errorf("claim order = %v; want %v", got, want)
	}
	checkIndexes(t, s)
}

func TestClaimKeyTurnSurvivesNewJobs(t *testing.T) {
	s := newTestStore(t, nil)
	a1 := mustCreate(t, s, Job{KeyID: "key-a"}).ID
	a2 := mustCreate(t, s, Job{KeyID: "key-a"}).ID
	claim(t, s, a1)
	// key-a was served last: a later job of another key goes first, even
	// though key-a's next job is older.
	b := mustCreate(t, s, Job{KeyID: "key-b"}).ID
	claim(t, s, b)
	claim(t, s, a2)
}

func TestClaimFilter(t *testing.T) {
	s := newTestStore(t, nil)
	url := mustCreate(t, s, Job{KeyID: "k1", Source: Source{URL: "https://example.com/a.wav"}})
	upload := mustCreate(t, s, Job{KeyID: "k1", Source: Source{AudioPath: "/data/audio/b.wav"}})

	got, err := s.Claim(ClaimAudio)
	if err != nil || got.ID != upload.ID {
		t.Fatalf("Claim(ClaimAudio) = %s, %v; want the upload %s", got.ID, err, upload.ID)
	}
	if _, err := s.Claim(ClaimAudio); !errors.Is(err, ErrNoJob) {
		t.Fatalf("second Claim(ClaimAudio): %v; want ErrNoJob (only a URL import is queued)", err)
	}
	got, err = s.Claim(ClaimFetch)
	if err != nil || got.ID != url.ID {
		t.Fatalf("Claim(ClaimFetch) = %s, %v; want the URL import %s", got.ID, err, url.ID)
	}
	// Once its audio is recorded, a requeued import no longer needs a
	// download.
	if err := s.SetAudio(url.ID, Source{AudioPath: "/data/audio/a.audio"}, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.RequeueJob(url.ID, "shutdown", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ClaimFetch); !errors.Is(err, ErrNoJob) {
		t.Fatalf("Claim(ClaimFetch) after SetAudio: %v; want ErrNoJob", err)
	}
	checkIndexes(t, s)
	if got, err = s.Claim(ClaimAudio); err != nil || got.ID != url.ID {
		t.Fatalf("Claim(ClaimAudio) = %s, %v; want the downloaded import %s", got.ID, err, url.ID)
	}
}

func TestOpenBackfillsClaimQueue(t *testing.T) {
	s := newTestStore(t, nil)
	j1 := mustCreate(t, s, Job{KeyID: "k1"}).ID
	j2 := mustCreate(t, s, Job{KeyID: "k2", Sync: true}).ID
	// A file from before claim_queue existed.
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketClaimQueue) }); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s)
	checkIndexes(t, s)
	if got, want := claimAll(t, s), []string{j1, j2}; !equalIDs(got, want) {
		t.Errorf("claim order = %v; want %v", got, want)
	}
}
