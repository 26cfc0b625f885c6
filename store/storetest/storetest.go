package storetest

import (
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Clock is a settable clock for the backend under test.
type Clock = e2e.Clock

// NewClock starts a clock at a fixed time.
func NewClock() *Clock {
	return e2e.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
}

// Open makes an empty backend for one test, reading clock.Now, whose
// leases (where it has them) last at most a minute; it registers its own
// cleanup.
type Open func(t *testing.T, clock *Clock) store.Backend

// Run runs the contract tests against the backends open makes.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Backend, *Clock)
	}{
		{"JobLifecycle", testJobLifecycle},
		{"Cancel", testCancel},
		{"Delete", testDelete},
		{"Quota", testQuota},
		{"Idempotency", testIdempotency},
		{"QueueFull", testQueueFull},
		{"Outbox", testOutbox},
		{"Keys", testKeys},
		{"Expire", testExpire},
		{"Recover", testRecover},
		{"Secrets", testSecrets},
		{"ListJobs", testListJobs},
		{"ConcurrentClaims", testConcurrentClaims},
		{"SyncAlternates", testSyncAlternates},
		{"KeysTakeTurns", testKeysTakeTurns},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := NewClock()
			tc.fn(t, open(t, clock), clock)
		})
	}
}

// deliver builds a job's webhook the way the application does, with a
// payload naming the job's status.
func deliver(j store.Job) *store.Delivery {
	return &store.Delivery{Event: "transcription." + string(j.Status), Payload: []byte(`{"status":"` + string(j.Status) + `"}`)}
}

func mustCreate(t *testing.T, st store.Backend, j store.Job, lim store.CreateLimits) store.Job {
	t.Helper()
	got, existing, err := st.CreateJob(j, lim)
	if err != nil || existing {
		t.Fatalf("CreateJob = %v, existing %v", err, existing)
	}
	return got
}

func mustClaim(t *testing.T, st store.Backend) store.Job {
	t.Helper()
	j, err := st.ClaimNext()
	if err != nil {
		t.Fatalf("ClaimNext: %v", err)
	}
	return j
}

func hash(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", what, err, want)
	}
}

func testJobLifecycle(t *testing.T, st store.Backend, clock *Clock) {
	created := mustCreate(t, st, store.Job{KeyID: "k1", CallbackURL: "https://example.com/hook", Metadata: []byte(`{"a": [1, 2]}`),
		Source: store.Source{AudioPath: "a.wav", Filename: "a.wav", Size: 10}}, store.CreateLimits{ProbedSeconds: 12})
	if created.Status != store.Queued || created.Attempt != 0 || created.MaxAttempts != store.DefaultMaxAttempts || !created.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("created = %+v", created)
	}
	got, err := st.GetJob(created.ID)
	if err != nil || string(got.Metadata) != `{"a":[1,2]}` || got.Source.AudioPath != "a.wav" {
		t.Fatalf("GetJob = %+v, %v; want compact metadata", got, err)
	}
	if _, err := st.GetJobForKey(created.ID, "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetJobForKey of another key: %v", err)
	}
	clock.Advance(time.Second)
	job := mustClaim(t, st)
	if job.ID != created.ID || job.Status != store.Processing || job.Attempt != 1 || !job.StartedAt.Equal(clock.Now()) {
		t.Fatalf("claimed = %+v", job)
	}
	if _, err := st.ClaimNext(); !errors.Is(err, store.ErrNoJob) {
		t.Fatalf("second claim: %v, want ErrNoJob", err)
	}
	if cr, err := st.UpdateProgress(job.ID, "transcribing", 150); err != nil || cr {
		t.Fatalf("UpdateProgress = %v, %v", cr, err)
	}
	if got, _ := st.GetJob(job.ID); got.Stage != "transcribing" || got.Progress != 100 {
		t.Fatalf("after progress: stage %q progress %d", got.Stage, got.Progress)
	}
	fin, err := st.FinishJob(job.ID, store.Outcome{Status: store.Completed, Transcript: []byte(`{"text":"hi"}`),
		Language: "en", ChargeSeconds: 11.5, Deliver: deliver})
	if err != nil || fin.Status != store.Completed || fin.Stage != store.StageDone || fin.Language != "en" {
		t.Fatalf("FinishJob = %+v, %v", fin, err)
	}
	if tr, err := st.GetTranscript(job.ID); err != nil || string(tr) != `{"text":"hi"}` {
		t.Fatalf("GetTranscript = %q, %v", tr, err)
	}
	if u, err := st.Usage("k1", clock.Now()); err != nil || u != 11.5 {
		t.Fatalf("Usage = %v, %v; want 11.5", u, err)
	}
	ds, err := st.DeliveriesForJob(job.ID)
	if err != nil || len(ds) != 1 || ds[0].Status != store.DeliveryPending || ds[0].URL != "https://example.com/hook" ||
		string(ds[0].Payload) != `{"status":"completed"}` || ds[0].EventID != store.DefaultEventID(job.ID, "transcription.completed") {
		t.Fatalf("DeliveriesForJob = %+v, %v", ds, err)
	}
	_, err = st.FinishJob(job.ID, store.Outcome{Status: store.Failed})
	wantErr(t, "second finish", err, store.ErrNotProcessing)
	err = st.RequeueJob(job.ID, "x", false)
	wantErr(t, "requeue of a finished job", err, store.ErrNotProcessing)
	_, err = st.FinishJob(job.ID, store.Outcome{Status: store.Queued})
	wantErr(t, "finish as queued", err, store.ErrInvalid)
	_, err = st.GetJob("not-an-id")
	wantErr(t, "GetJob of a bad id", err, store.ErrNotFound)
	if st, err := st.Stats(); err != nil || st.Queued != 0 || st.PendingDeliveries != 1 {
		t.Fatalf("Stats = %+v, %v", st, err)
	}
	if err := st.Ping(); err != nil {
		t.Fatal(err)
	}
}

func testCancel(t *testing.T, st store.Backend, _ *Clock) {
	queued := mustCreate(t, st, store.Job{KeyID: "k", CallbackURL: "https://example.com/h"}, store.CreateLimits{})
	got, err := st.CancelJob(queued.ID, "k", deliver)
	if err != nil || got.Status != store.Canceled {
		t.Fatalf("cancel queued = %+v, %v", got, err)
	}
	if ds, _ := st.DeliveriesForJob(queued.ID); len(ds) != 1 || ds[0].Event != "transcription.canceled" {
		t.Fatalf("deliveries of the canceled job = %+v", ds)
	}
	_, err = st.CancelJob(queued.ID, "k", deliver)
	wantErr(t, "cancel twice", err, store.ErrAlreadyFinished)

	running := mustCreate(t, st, store.Job{KeyID: "k"}, store.CreateLimits{})
	mustClaim(t, st)
	_, err = st.CancelJob(running.ID, "other", nil)
	wantErr(t, "cancel by another key", err, store.ErrNotFound)
	if got, err := st.CancelJob(running.ID, "k", nil); err != nil || got.Status != store.Processing || !got.CancelRequested {
		t.Fatalf("cancel processing = %+v, %v", got, err)
	}
	if cr, err := st.UpdateProgress(running.ID, "", 5); err != nil || !cr {
		t.Fatalf("UpdateProgress after cancel = %v, %v; want cancel requested", cr, err)
	}
}

func testDelete(t *testing.T, st store.Backend, _ *Clock) {
	j := mustCreate(t, st, store.Job{KeyID: "k", CallbackURL: "https://example.com/h", IdempotencyKey: "idem"}, store.CreateLimits{RequestHash: "h"})
	_, err := st.DeleteJob(j.ID, "k")
	wantErr(t, "delete queued", err, store.ErrNotFinished)
	mustClaim(t, st)
	if _, err := st.FinishJob(j.ID, store.Outcome{Status: store.Completed, Transcript: []byte("t"), Deliver: deliver}); err != nil {
		t.Fatal(err)
	}
	_, err = st.DeleteJob(j.ID, "other")
	wantErr(t, "delete by another key", err, store.ErrNotFound)
	if _, err := st.DeleteJob(j.ID, "k"); err != nil {
		t.Fatal(err)
	}
	_, err = st.GetJob(j.ID)
	wantErr(t, "get deleted", err, store.ErrNotFound)
	_, err = st.GetTranscript(j.ID)
	wantErr(t, "transcript of deleted", err, store.ErrNotFound)
	if ds, err := st.DeliveriesForJob(j.ID); err != nil || len(ds) != 1 || ds[0].Status != store.DeliveryPending {
		t.Fatalf("pending delivery of a deleted job = %+v, %v; want kept", ds, err)
	}
	again, existing, err := st.CreateJob(store.Job{KeyID: "k", IdempotencyKey: "idem"}, store.CreateLimits{RequestHash: "h"})
	if err != nil || existing || again.ID == j.ID {
		t.Fatalf("create with the deleted job's idempotency key = %s existing %v, %v; want a new job", again.ID, existing, err)
	}
}

func testQuota(t *testing.T, st store.Backend, clock *Clock) {
	key, err := st.CreateKey(store.Key{Name: "q", Hash: hash("q"), QuotaSeconds: 100})
	if err != nil {
		t.Fatal(err)
	}
	lim := func(secs float64) store.CreateLimits {
		return store.CreateLimits{QuotaSeconds: 100, ProbedSeconds: secs}
	}
	a := mustCreate(t, st, store.Job{KeyID: key.ID}, lim(60))
	if a.Reserved != 60*time.Second || a.ReservedMonth != "2026-03" {
		t.Fatalf("reservation = %v in %q", a.Reserved, a.ReservedMonth)
	}
	_, _, err = st.CreateJob(store.Job{KeyID: key.ID}, lim(50))
	var qe *store.QuotaError
	if !errors.As(err, &qe) || qe.ReservedSeconds != 60 || qe.WantSeconds != 50 {
		t.Fatalf("over quota: %v", err)
	}
	if u, _ := st.QuotaUsage(key.ID, clock.Now()); u.ReservedSeconds != 60 || u.UsedSeconds != 0 {
		t.Fatalf("QuotaUsage = %+v", u)
	}
	// A requeued job keeps its reservation; a failed one releases it, once.
	mustClaim(t, st)
	if err := st.RequeueJob(a.ID, "shutdown", true); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.QuotaUsage(key.ID, clock.Now()); u.ReservedSeconds != 60 {
		t.Fatalf("after requeue reserved = %v, want 60", u.ReservedSeconds)
	}
	mustClaim(t, st)
	if _, err := st.FinishJob(a.ID, store.Outcome{Status: store.Failed, Error: &store.JobError{Code: "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeleteJob(a.ID, key.ID); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.QuotaUsage(key.ID, clock.Now()); u.ReservedSeconds != 0 {
		t.Fatalf("after fail and delete reserved = %v, want 0", u.ReservedSeconds)
	}
	b := mustCreate(t, st, store.Job{KeyID: key.ID}, lim(50))
	mustClaim(t, st)
	// The charge goes to the reservation's month even when it ends later.
	clock.Advance(30 * 24 * time.Hour)
	if _, err := st.FinishJob(b.ID, store.Outcome{Status: store.Completed, ChargeSeconds: 49.5}); err != nil {
		t.Fatal(err)
	}
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if u, _ := st.QuotaUsage(key.ID, march); u.UsedSeconds != 49.5 || u.ReservedSeconds != 0 {
		t.Fatalf("March usage = %+v, want 49.5 used, 0 reserved", u)
	}
	// A URL import reserves once downloaded.
	imp := mustCreate(t, st, store.Job{KeyID: key.ID, Source: store.Source{URL: "https://example.com/a.mp3"}}, store.CreateLimits{QuotaSeconds: 100})
	if j, err := st.Claim(store.ClaimAudio); !errors.Is(err, store.ErrNoJob) {
		t.Fatalf("ClaimAudio took the URL import %s: %v", j.ID, err)
	}
	if j, err := st.Claim(store.ClaimFetch); err != nil || j.ID != imp.ID {
		t.Fatalf("ClaimFetch = %s, %v", j.ID, err)
	}
	err = st.ReserveAudio(imp.ID, 101*time.Second)
	if !errors.As(err, &qe) {
		t.Fatalf("ReserveAudio over quota: %v", err)
	}
	if err := st.ReserveAudio(imp.ID, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.QuotaUsage(key.ID, clock.Now()); u.ReservedSeconds != 90 {
		t.Fatalf("reserved after ReserveAudio = %v, want 90", u.ReservedSeconds)
	}
	if err := st.SetAudio(imp.ID, store.Source{AudioPath: "imp.mp3"}, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if j, _ := st.GetJob(imp.ID); j.Source.URL != "https://example.com/a.mp3" || j.Source.AudioPath != "imp.mp3" || j.AudioDuration != 90*time.Second {
		t.Fatalf("after SetAudio source = %+v", j.Source)
	}
}

func testIdempotency(t *testing.T, st store.Backend, clock *Clock) {
	lim := store.CreateLimits{IdempotencyKey: "abc", RequestHash: "h1", IdempotencyTTL: time.Hour}
	first := mustCreate(t, st, store.Job{KeyID: "k"}, lim)
	again, existing, err := st.CreateJob(store.Job{KeyID: "k"}, lim)
	if err != nil || !existing || again.ID != first.ID {
		t.Fatalf("repeat = %s existing %v, %v; want %s", again.ID, existing, err, first.ID)
	}
	other := lim
	other.RequestHash = "h2"
	_, _, err = st.CreateJob(store.Job{KeyID: "k"}, other)
	wantErr(t, "another request hash", err, store.ErrIdempotencyConflict)
	if j, existing, err := st.CreateJob(store.Job{KeyID: "k2"}, lim); err != nil || existing || j.ID == first.ID {
		t.Fatalf("same idempotency key, another API key = existing %v, %v", existing, err)
	}
	clock.Advance(time.Hour)
	if j, existing, err := st.CreateJob(store.Job{KeyID: "k"}, other); err != nil || existing || j.ID == first.ID {
		t.Fatalf("after the TTL = existing %v, %v; want a new job", existing, err)
	}
}

func testQueueFull(t *testing.T, st store.Backend, _ *Clock) {
	lim := store.CreateLimits{MaxQueued: 2}
	mustCreate(t, st, store.Job{KeyID: "k"}, lim)
	mustCreate(t, st, store.Job{KeyID: "k"}, lim)
	_, _, err := st.CreateJob(store.Job{KeyID: "k"}, lim)
	wantErr(t, "third job", err, store.ErrQueueFull)
	mustCreate(t, st, store.Job{KeyID: "other"}, lim)
}

func testOutbox(t *testing.T, st store.Backend, clock *Clock) {
	if _, ok, err := st.NextDeliveryAt(); err != nil || ok {
		t.Fatalf("NextDeliveryAt of an empty outbox = %v, %v", ok, err)
	}
	var ids []string
	for range 3 {
		j := mustCreate(t, st, store.Job{KeyID: "k", CallbackURL: "https://example.com/h", CallbackSecret: "s"}, store.CreateLimits{})
		mustClaim(t, st)
		if _, err := st.FinishJob(j.ID, store.Outcome{Status: store.Completed, Deliver: deliver}); err != nil {
			t.Fatal(err)
		}
		ds, _ := st.DeliveriesForJob(j.ID)
		ids = append(ids, ds[0].ID)
		clock.Advance(time.Second)
	}
	now := clock.Now()
	page, err := st.DueEntries(now, store.DueEntry{}, 2)
	if err != nil || len(page) != 2 || page[0].ID != ids[0] || page[1].ID != ids[1] || page[0].URL != "https://example.com/h" {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	rest, err := st.DueEntries(now, page[1], 0)
	if err != nil || len(rest) != 1 || rest[0].ID != ids[2] {
		t.Fatalf("second page = %+v, %v", rest, err)
	}
	d, err := st.GetDelivery(ids[0])
	if err != nil || d.Secret != "s" || d.KeyID != "k" {
		t.Fatalf("GetDelivery = %+v, %v", d, err)
	}
	later := now.Add(time.Minute)
	d, err = st.RecordDeliveryAttempt(ids[0], store.DeliveryAttempt{StatusCode: 500, Error: "boom"},
		store.DeliveryResult{Status: store.DeliveryPending, NextAt: later})
	if err != nil || d.Attempt != 1 || d.RoundAttempts != 1 || d.LastError != "boom" || !d.NextAt.Equal(later) {
		t.Fatalf("retry = %+v, %v", d, err)
	}
	if due, _ := st.DueEntries(now, store.DueEntry{}, 0); len(due) != 2 {
		t.Fatalf("due after a retry was scheduled = %d, want 2", len(due))
	}
	for _, id := range ids[1:] {
		if _, err := st.RecordDeliveryAttempt(id, store.DeliveryAttempt{StatusCode: 204}, store.DeliveryResult{Status: store.DeliveryDelivered}); err != nil {
			t.Fatal(err)
		}
	}
	if at, ok, err := st.NextDeliveryAt(); err != nil || !ok || !at.Equal(later) {
		t.Fatalf("NextDeliveryAt = %v %v, %v; want %v", at, ok, err, later)
	}
	if due, _ := st.DueEntries(later, store.DueEntry{}, 0); len(due) != 1 || due[0].ID != ids[0] {
		t.Fatalf("due at the retry time = %+v", due)
	}
	_, err = st.RecordDeliveryAttempt(ids[1], store.DeliveryAttempt{}, store.DeliveryResult{Status: store.DeliveryDelivered})
	wantErr(t, "attempt of a delivered delivery", err, store.ErrNotPending)
	_, err = st.RecordDeliveryAttempt(ids[0], store.DeliveryAttempt{}, store.DeliveryResult{Status: store.DeliveryPending})
	wantErr(t, "pending without next_at", err, store.ErrInvalid)

	delivered, _ := st.GetDelivery(ids[1])
	re, err := st.RedeliverWith(delivered.JobID, func(j store.Job) []byte { return []byte(`{"again":"` + j.ID + `"}`) })
	if err != nil || re.ID != ids[1] || re.Status != store.DeliveryPending || re.Round != 1 || re.RoundAttempts != 0 ||
		re.EventID != delivered.EventID || re.Attempt != 1 || string(re.Payload) != `{"again":"`+delivered.JobID+`"}` {
		t.Fatalf("redeliver = %+v, %v", re, err)
	}
	// An attempt of the earlier round is logged but decides nothing.
	old, err := st.RecordDeliveryAttempt(ids[1], store.DeliveryAttempt{StatusCode: 410}, store.DeliveryResult{Status: store.DeliveryFailed, Round: 0})
	if err != nil || old.Status != store.DeliveryPending || old.Attempt != 2 {
		t.Fatalf("attempt of an earlier round = %+v, %v", old, err)
	}
	_, err = st.Redeliver("0190c5d2-5b8a-7c3e-8f00-000000000000")
	wantErr(t, "redeliver a job without deliveries", err, store.ErrNotFound)
	if s, err := st.Stats(); err != nil || s.PendingDeliveries != 2 {
		t.Fatalf("Stats = %+v, %v; want 2 pending", s, err)
	}
}

func testKeys(t *testing.T, st store.Backend, clock *Clock) {
	if n, err := st.CountKeys(); err != nil || n != 0 {
		t.Fatalf("CountKeys = %d, %v", n, err)
	}
	admin, err := st.CreateKey(store.Key{Name: "admin", Hash: hash("a"), Admin: true})
	if err != nil || !admin.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("CreateKey = %+v, %v", admin, err)
	}
	_, err = st.CreateKey(store.Key{Name: "dup", Hash: hash("a")})
	wantErr(t, "same hash", err, store.ErrExists)
	user, err := st.CreateKey(store.Key{Name: "user", Hash: hash("u"), QuotaSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	if k, err := st.KeyByHash(hash("u")); err != nil || k.ID != user.ID || k.QuotaSeconds != 5 {
		t.Fatalf("KeyByHash = %+v, %v", k, err)
	}
	_, err = st.KeyByHash(hash("nobody"))
	wantErr(t, "unknown hash", err, store.ErrNotFound)
	if ks, err := st.ListKeys(); err != nil || len(ks) != 2 || ks[0].ID != admin.ID {
		t.Fatalf("ListKeys = %+v, %v", ks, err)
	}
	_, err = st.RevokeKey(admin.ID)
	wantErr(t, "revoke the last admin", err, store.ErrLastAdmin)
	clock.Advance(time.Second)
	if k, err := st.RevokeKey(user.ID); err != nil || !k.Revoked() || !k.RevokedAt.Equal(clock.Now()) {
		t.Fatalf("RevokeKey = %+v, %v", k, err)
	}
	if k, err := st.GetKey(user.ID); err != nil || !k.Revoked() {
		t.Fatalf("GetKey after revoke = %+v, %v", k, err)
	}
	if n, _ := st.CountKeys(); n != 2 {
		t.Fatalf("CountKeys = %d, want 2", n)
	}
}

func testExpire(t *testing.T, st store.Backend, clock *Clock) {
	var ids []string
	for range 3 {
		j := mustCreate(t, st, store.Job{KeyID: "k"}, store.CreateLimits{})
		mustClaim(t, st)
		if _, err := st.FinishJob(j.ID, store.Outcome{Status: store.Completed, Transcript: []byte("t")}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
		clock.Advance(time.Minute)
	}
	active := mustCreate(t, st, store.Job{KeyID: "k"}, store.CreateLimits{})
	cutoff := clock.Now().Add(-90 * time.Second) // after the first two
	got, err := st.ExpireJobs(cutoff, 1)
	if err != nil || len(got) != 1 || got[0].ID != ids[0] {
		t.Fatalf("ExpireJobs limit 1 = %+v, %v", got, err)
	}
	got, err = st.ExpireJobs(cutoff, 0)
	if err != nil || len(got) != 1 || got[0].ID != ids[1] {
		t.Fatalf("ExpireJobs = %+v, %v", got, err)
	}
	for id, want := range map[string]error{ids[0]: store.ErrNotFound, ids[1]: store.ErrNotFound, ids[2]: nil, active.ID: nil} {
		if _, err := st.GetJob(id); !errors.Is(err, want) {
			t.Fatalf("GetJob(%s) after expiry: %v, want %v", id, err, want)
		}
	}
}

// testRecover checks that a job whose worker is gone is settled, once: a
// process restart for bbolt, a lapsed lease for PostgreSQL (the clock
// moves past it).
func testRecover(t *testing.T, st store.Backend, clock *Clock) {
	again := mustCreate(t, st, store.Job{KeyID: "k", MaxAttempts: 2}, store.CreateLimits{ProbedSeconds: 5})
	mustClaim(t, st)
	clock.Advance(2 * time.Minute)
	requeued, finished, err := st.RecoverOrphans(deliver)
	if err != nil || len(requeued) != 1 || len(finished) != 0 {
		t.Fatalf("RecoverOrphans = %d requeued, %d finished, %v", len(requeued), len(finished), err)
	}
	r := requeued[0]
	if r.ID != again.ID || r.Status != store.Queued || r.Attempt != 1 || len(r.Errors) != 1 || r.Errors[0].Code != store.CodeInterrupted {
		t.Fatalf("requeued = %+v", r)
	}
	if u, _ := st.QuotaUsage("k", clock.Now()); u.ReservedSeconds != 5 {
		t.Fatalf("reserved after recovery = %v, want the requeued job's 5", u.ReservedSeconds)
	}
	if rq, fin, err := st.RecoverOrphans(deliver); err != nil || len(rq)+len(fin) != 0 {
		t.Fatalf("second RecoverOrphans = %d, %d, %v; want nothing", len(rq), len(fin), err)
	}
	j := mustClaim(t, st)
	if j.ID != again.ID || j.Attempt != 2 {
		t.Fatalf("reclaimed = %s attempt %d", j.ID, j.Attempt)
	}
	// Out of attempts: failed, announced, its reservation released.
	clock.Advance(2 * time.Minute)
	requeued, finished, err = st.RecoverOrphans(deliver)
	if err != nil || len(requeued) != 0 || len(finished) != 1 {
		t.Fatalf("RecoverOrphans of a spent job = %d requeued, %d finished, %v", len(requeued), len(finished), err)
	}
	if f := finished[0]; f.ID != again.ID || f.Status != store.Failed || f.Error == nil || f.Error.Code != store.CodeInterrupted {
		t.Fatalf("finished = %+v", f)
	}
	if u, _ := st.QuotaUsage("k", clock.Now()); u.ReservedSeconds != 0 {
		t.Fatalf("reserved after the failure = %v, want 0", u.ReservedSeconds)
	}
	cb := mustCreate(t, st, store.Job{KeyID: "k", MaxAttempts: 1, CallbackURL: "https://example.com/h"}, store.CreateLimits{})
	mustClaim(t, st)
	clock.Advance(2 * time.Minute)
	if _, finished, err := st.RecoverOrphans(deliver); err != nil || len(finished) != 1 {
		t.Fatalf("RecoverOrphans = %d finished, %v", len(finished), err)
	}
	if ds, _ := st.DeliveriesForJob(cb.ID); len(ds) != 1 || ds[0].Event != "transcription.failed" {
		t.Fatalf("deliveries of the failed orphan = %+v", ds)
	}
}

func testSecrets(t *testing.T, st store.Backend, clock *Clock) {
	_, err := st.Secrets("", 32)
	wantErr(t, "empty name", err, store.ErrInvalid)
	v1, err := st.Secrets("signing", 32)
	if err != nil || len(v1) != 1 || v1[0].ID != "1" || len(v1[0].Secret) != 32 {
		t.Fatalf("Secrets = %+v, %v", v1, err)
	}
	same, _ := st.Secret("signing", 32)
	if string(same) != string(v1[0].Secret) {
		t.Fatal("Secret changed between reads")
	}
	clock.Advance(time.Hour)
	vs, err := st.RotateSecret("signing", 32, time.Time{})
	if err != nil || len(vs) != 2 || vs[0].ID != "2" || string(vs[1].Secret) != string(v1[0].Secret) || !vs[1].RetiredAt.Equal(clock.Now()) {
		t.Fatalf("RotateSecret = %+v, %v", vs, err)
	}
	clock.Advance(time.Hour)
	vs, err = st.RotateSecret("signing", 32, clock.Now().Add(-time.Minute))
	if err != nil || len(vs) != 2 || vs[0].ID != "3" || vs[1].ID != "2" {
		t.Fatalf("RotateSecret dropping the retired = %+v, %v", vs, err)
	}
}

func testListJobs(t *testing.T, st store.Backend, _ *Clock) {
	var ids []string
	for range 5 {
		ids = append(ids, mustCreate(t, st, store.Job{KeyID: "k"}, store.CreateLimits{}).ID)
	}
	mustCreate(t, st, store.Job{KeyID: "other"}, store.CreateLimits{})
	mustClaim(t, st) // the oldest
	page, next, err := st.ListJobs("k", "", 2, "")
	if err != nil || len(page) != 2 || page[0].ID != ids[4] || page[1].ID != ids[3] || next == "" {
		t.Fatalf("page 1 = %d jobs, next %q, %v", len(page), next, err)
	}
	page, next, err = st.ListJobs("k", "", 3, next)
	if err != nil || len(page) != 3 || page[2].ID != ids[0] || next != "" {
		t.Fatalf("page 2 = %d jobs, next %q, %v", len(page), next, err)
	}
	page, _, err = st.ListJobs("k", store.Processing, 0, "")
	if err != nil || len(page) != 1 || page[0].ID != ids[0] {
		t.Fatalf("processing = %+v, %v", page, err)
	}
	_, _, err = st.ListJobs("k", "bogus", 0, "")
	wantErr(t, "unknown status", err, store.ErrInvalid)
	_, _, err = st.ListJobs("k", "", 0, "!!")
	wantErr(t, "bad cursor", err, store.ErrInvalid)
}

// testConcurrentClaims checks that concurrent workers claim every job
// exactly once.
func testConcurrentClaims(t *testing.T, st store.Backend, _ *Clock) {
	const jobs, workers = 40, 8
	for range jobs {
		mustCreate(t, st, store.Job{KeyID: "k"}, store.CreateLimits{})
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				j, err := st.ClaimNext()
				if errors.Is(err, store.ErrNoJob) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := st.FinishJob(j.ID, store.Outcome{Status: store.Completed}); err != nil {
					t.Error(err)
				}
				mu.Lock()
				seen[j.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != jobs {
		t.Fatalf("%d jobs claimed, want %d", len(seen), jobs)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("job %s claimed %d times", id, n)
		}
	}
}

// testSyncAlternates checks that claims take from the synchronous jobs and
// the others in turn while both wait, oldest first within each.
func testSyncAlternates(t *testing.T, st store.Backend, _ *Clock) {
	var async, sync []string
	for range 2 {
		async = append(async, mustCreate(t, st, store.Job{KeyID: "k"}, store.CreateLimits{}).ID)
	}
	for range 2 {
		sync = append(sync, mustCreate(t, st, store.Job{KeyID: "k", Sync: true}, store.CreateLimits{}).ID)
	}
	want := []string{async[0], sync[0], async[1], sync[1]}
	for i, id := range want {
		if j := mustClaim(t, st); j.ID != id {
			t.Fatalf("claim %d = %s (sync %v), want %s", i, j.ID, j.Sync, id)
		}
	}
}

// testKeysTakeTurns checks that within a queue claims go round-robin over
// API keys, oldest first within each, so one key's backlog does not hold
// back another key's job.
func testKeysTakeTurns(t *testing.T, st store.Backend, _ *Clock) {
	var a []string
	for range 3 {
		a = append(a, mustCreate(t, st, store.Job{KeyID: "key-a"}, store.CreateLimits{}).ID)
	}
	b := mustCreate(t, st, store.Job{KeyID: "key-b"}, store.CreateLimits{}).ID
	want := []string{a[0], b, a[1], a[2]}
	for i, id := range want {
		if j := mustClaim(t, st); j.ID != id {
			t.Fatalf("claim %d = %s of %s, want %s", i, j.ID, j.KeyID, id)
		}
	}
}
