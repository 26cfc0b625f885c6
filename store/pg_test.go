package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
	"github.com/instanttranscriber/instanttranscriber/store/storetest"
)

// TestPostgresMigrateTogether starts several nodes on one empty database
// at once: the migrations are applied once, under the lock, and every node
// opens.
func TestPostgresMigrateTogether(t *testing.T) {
	url := pgtest.Database(t)
	const nodes = 5
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() {
			st, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
			if err == nil {
				err = st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n, v int
	if err := conn.QueryRow(context.Background(), "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != store.SchemaVersion() || v != store.SchemaVersion() {
		t.Fatalf("schema_migrations holds %d rows up to %d, want %d", n, v, store.SchemaVersion())
	}
	// A database from a newer build is refused.
	if _, err := conn.Exec(context.Background(), "INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')"); err != nil {
		t.Fatal(err)
	}
	_, err = store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
	if !errors.Is(err, store.ErrSchema) {
		t.Fatalf("open of a newer schema: %v, want ErrSchema", err)
	}
}

// claimedOnA opens nodes A and B on one throwaway database with one test
// clock, and has A create a job with a callback and claim it.
func claimedOnA(t *testing.T) (a, b *store.Postgres, clock *storetest.Clock, j store.Job) {
	t.Helper()
	url := pgtest.Database(t)
	clock = storetest.NewClock()
	a = openPostgres(t, url, clock.Now)
	b = openPostgres(t, url, clock.Now)
	j, _, err := a.CreateJob(store.Job{KeyID: "k", CallbackURL: "https://example.com/h"}, store.CreateLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	return a, b, clock, j
}

// TestPostgresRescueAcrossNodes has node A claim a job and go silent: node
// B rescues it once A's lease lapses, not before (a progress report renews
// it), and claims it for a second attempt; A's late writes are refused.
func TestPostgresRescueAcrossNodes(t *testing.T) {
	a, b, clock, j := claimedOnA(t)
	clock.Advance(50 * time.Second)
	if _, err := a.UpdateProgress(j.ID, "transcribing", 10); err != nil { // renews the lease
		t.Fatal(err)
	}
	clock.Advance(50 * time.Second)
	if rq, fin, err := b.RecoverOrphans(nil); err != nil || len(rq)+len(fin) != 0 {
		t.Fatalf("rescue within the renewed lease = %d, %d, %v; want nothing", len(rq), len(fin), err)
	}
	clock.Advance(11 * time.Second)
	rq, _, err := b.RecoverOrphans(nil)
	if err != nil || len(rq) != 1 || rq[0].ID != j.ID {
		t.Fatalf("rescue after the lease = %+v, %v", rq, err)
	}
	got, err := b.ClaimNext()
	if err != nil || got.ID != j.ID || got.Attempt != 2 {
		t.Fatalf("B's claim = %s attempt %d, %v", got.ID, got.Attempt, err)
	}
	// A comes back: its attempt was taken back, so its writes are refused
	// and only B's attempt ends the job.
	_, err = a.UpdateProgress(j.ID, "transcribing", 90)
	wantErrIs(t, "A's progress after the rescue", err, store.ErrNotProcessing)
	_, err = a.FinishJob(j.ID, store.Outcome{Status: store.Completed})
	wantErrIs(t, "A's finish after the rescue", err, store.ErrNotProcessing)
	if fin, err := b.FinishJob(j.ID, store.Outcome{Status: store.Completed}); err != nil || fin.Attempt != 2 {
		t.Fatalf("B's finish = attempt %d, %v", fin.Attempt, err)
	}
}

// TestPostgresDeliveryLease checks that one node at a time attempts a
// delivery, and that a dead node's attempt is retried after its lease.
func TestPostgresDeliveryLease(t *testing.T) {
	a, b, clock, j := claimedOnA(t)
	fin, err := a.FinishJob(j.ID, store.Outcome{Status: store.Completed, Deliver: func(store.Job) *store.Delivery { return &store.Delivery{Event: "e"} }})
	if err != nil || fin.Status != store.Completed {
		t.Fatal(err)
	}
	due, err := b.DueEntries(clock.Now(), store.DueEntry{}, 0)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if _, err := a.LeaseDelivery(due[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.LeaseDelivery(due[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second lease: %v, want ErrNotFound (held by another node)", err)
	}
	if due, _ := b.DueEntries(clock.Now(), store.DueEntry{}, 0); len(due) != 0 {
		t.Fatalf("a leased delivery is due on another node: %+v", due)
	}
	clock.Advance(61 * time.Second) // node a died mid-attempt
	if _, err := b.LeaseDelivery(due[0].ID); err != nil {
		t.Fatalf("lease after the holder's lapsed: %v", err)
	}
	if _, err := b.RecordDeliveryAttempt(due[0].ID, store.DeliveryAttempt{StatusCode: 204}, store.DeliveryResult{Status: store.DeliveryDelivered}); err != nil {
		t.Fatal(err)
	}
	_, err = a.LeaseDelivery(due[0].ID)
	if !errors.Is(err, store.ErrNotPending) {
		t.Fatalf("lease of a delivered delivery: %v, want ErrNotPending", err)
	}
}

// TestPostgresListen checks that a node hears the jobs and the deliveries
// another node queues, and hears again after the database restarts.
func TestPostgresListen(t *testing.T) {
	url := pgtest.Database(t)
	a := openPostgres(t, url, time.Now)
	b := openPostgres(t, url, time.Now)
	jobs, outbox := make(chan struct{}, 16), make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		a.Listen(ctx, func() { jobs <- struct{}{} }, func() { outbox <- struct{}{} })
		close(done)
	}()
	defer func() { cancel(); <-done }()
	wait := func(ch chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("no wake-up for %s", what)
		}
	}
	// Listen has connected once a notification sent now arrives; repeat
	// the create until one does.
	deadline := time.Now().Add(10 * time.Second)
	for heard := false; !heard; {
		if _, _, err := b.CreateJob(store.Job{KeyID: "k", CallbackURL: "https://example.com/h"}, store.CreateLimits{}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-jobs:
			heard = true
		case <-time.After(200 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("no wake-up for a created job")
			}
		}
	}
	claimed, err := b.ClaimNext()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.FinishJob(claimed.ID, store.Outcome{Status: store.Completed,
		Deliver: func(store.Job) *store.Delivery { return &store.Delivery{Event: "e"} }}); err != nil {
		t.Fatal(err)
	}
	wait(outbox, "a queued delivery")
	if err := pgtest.Shared(t).Restart(); err != nil {
		t.Fatal(err)
	}
	// After the outage the listener reconnects and wakes both, since it
	// may have missed notifications.
	wait(jobs, "the reconnection")
	wait(outbox, "the reconnection")
}

// TestPostgresOutage checks that calls during a database outage fail with
// ErrUnavailable, and that the same store works again once it is back.
func TestPostgresOutage(t *testing.T) {
	st := openPostgres(t, pgtest.Database(t), time.Now)
	j, _, err := st.CreateJob(store.Job{KeyID: "k"}, store.CreateLimits{})
	if err != nil {
		t.Fatal(err)
	}
	c := pgtest.Shared(t)
	c.StopServer()
	_, _, err = st.CreateJob(store.Job{KeyID: "k"}, store.CreateLimits{})
	wantUnavailable(t, "create during the outage", err)
	_, err = st.ClaimNext()
	wantUnavailable(t, "claim during the outage", err)
	wantUnavailable(t, "ping during the outage", st.Ping())
	if err := c.StartServer(); err != nil {
		t.Fatal(err)
	}
	got, err := st.ClaimNext()
	if err != nil || got.ID != j.ID {
		t.Fatalf("claim after the outage = %s, %v; want %s", got.ID, err, j.ID)
	}
}

func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("%s: %v, want ErrUnavailable", what, err)
	}
}

// TestPostgresAudio keeps a job's audio across chunk boundaries, reads it
// back on another node, and drops it when the job finishes without
// keeping its audio.
func TestPostgresAudio(t *testing.T) {
	url := pgtest.Database(t)
	a := openPostgres(t, url, time.Now)
	b := openPostgres(t, url, time.Now)
	audio := make([]byte, 2*store.AudioChunk+12345)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	j, _, err := a.CreateJobWithAudio(store.Job{KeyID: "k", Source: store.Source{AudioPath: "x.audio"}}, store.CreateLimits{}, bytes.NewReader(audio))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if n, err := b.ReadAudio(j.ID, &got); err != nil || n != int64(len(audio)) || !bytes.Equal(got.Bytes(), audio) {
		t.Fatalf("ReadAudio = %d bytes, %v; want the %d bytes written", n, err, len(audio))
	}
	// A create that fails keeps no audio.
	_, _, err = a.CreateJobWithAudio(store.Job{ID: j.ID, KeyID: "k"}, store.CreateLimits{}, bytes.NewReader(audio[:10]))
	wantErrIs(t, "create with a taken id", err, store.ErrExists)
	got.Reset()
	if _, err := b.ReadAudio(j.ID, &got); err != nil || !bytes.Equal(got.Bytes(), audio) {
		t.Fatalf("audio after a failed create = %d bytes, %v", got.Len(), err)
	}
	if _, err := b.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	if err := b.PutAudio(j.ID, bytes.NewReader([]byte("short"))); err != nil {
		t.Fatal(err)
	}
	got.Reset()
	if _, err := a.ReadAudio(j.ID, &got); err != nil || got.String() != "short" {
		t.Fatalf("audio after PutAudio = %q, %v", got.String(), err)
	}
	if _, err := b.FinishJob(j.ID, store.Outcome{Status: store.Completed, ClearAudio: true}); err != nil {
		t.Fatal(err)
	}
	_, err = a.ReadAudio(j.ID, io.Discard)
	wantErrIs(t, "audio of a finished job", err, store.ErrNotFound)
}

func wantErrIs(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: %v, want %v", what, err, want)
	}
}

// TestPostgresSweepsRunOnce checks that while one node holds a sweep's
// lock, another node's rescue and expiry find nothing, and do their work
// once it is released.
func TestPostgresSweepsRunOnce(t *testing.T) {
	url := pgtest.Database(t)
	clock := storetest.NewClock()
	st := openPostgres(t, url, clock.Now)
	for range 2 {
		if _, _, err := st.CreateJob(store.Job{KeyID: "k"}, store.CreateLimits{}); err != nil {
			t.Fatal(err)
		}
	}
	done, _ := st.ClaimNext()
	if _, err := st.FinishJob(done.ID, store.Outcome{Status: store.Completed}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)

	ctx := context.Background()
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{store.SweepRescue, store.SweepExpire} {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", name); err != nil {
			t.Fatal(err)
		}
	}
	if rq, fin, err := st.RecoverOrphans(nil); err != nil || len(rq)+len(fin) != 0 {
		t.Fatalf("rescue while another node sweeps = %d, %d, %v; want nothing", len(rq), len(fin), err)
	}
	if gone, err := st.ExpireJobs(clock.Now(), 0); err != nil || len(gone) != 0 {
		t.Fatalf("expiry while another node sweeps = %d, %v; want nothing", len(gone), err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if rq, _, err := st.RecoverOrphans(nil); err != nil || len(rq) != 1 {
		t.Fatalf("rescue after the lock = %d, %v; want 1", len(rq), err)
	}
	if gone, err := st.ExpireJobs(clock.Now(), 0); err != nil || len(gone) != 1 || gone[0].ID != done.ID {
		t.Fatalf("expiry after the lock = %+v, %v", gone, err)
	}
}

// TestPostgresQuotaAcrossNodes has two nodes admit jobs of one key at once,
// in rounds of fresh keys: together they never reserve more than the
// quota.
func TestPostgresQuotaAcrossNodes(t *testing.T) {
	url := pgtest.Database(t)
	var nodes []*store.Postgres
	for range 2 {
		st, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{MaxConns: 16})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		nodes = append(nodes, st)
	}
	for round := range 5 {
		key, err := nodes[0].CreateKey(store.Key{Name: "q", Hash: [32]byte{byte(round + 1)}, QuotaSeconds: 100})
		if err != nil {
			t.Fatal(err)
		}
		const tries = 32
		var wg sync.WaitGroup
		var mu sync.Mutex
		admitted := 0
		start := make(chan struct{})
		for i := range tries {
			wg.Go(func() {
				<-start
				_, _, err := nodes[i%2].CreateJob(store.Job{KeyID: key.ID}, store.CreateLimits{QuotaSeconds: 100, ProbedSeconds: 10})
				switch {
				case err == nil:
					mu.Lock()
					admitted++
					mu.Unlock()
				case !errors.Is(err, store.ErrQuotaExceeded):
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
		u, err := nodes[1].QuotaUsage(key.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if admitted != 10 || u.ReservedSeconds != 100 {
			t.Fatalf("round %d: admitted %d jobs reserving %v s, want 10 and 100 s", round, admitted, u.ReservedSeconds)
		}
	}
}
