package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestMigrate copies a bbolt data directory into an empty PostgreSQL
// database, checks the copy, refuses a second copy, and catches a record
// changed afterwards.
func TestMigrate(t *testing.T) {
	dir := t.TempDir()
	audioDir := filepath.Join(dir, "audio")
	if err := os.MkdirAll(audioDir, 0o700); err != nil {
		t.Fatal(err)
	}
	bolt, err := store.Open(filepath.Join(dir, "instanttranscriber.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := bolt.CreateKey(store.Key{Name: "admin", Hash: [32]byte{1}, Admin: true, QuotaSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.Secrets("download", 32); err != nil {
		t.Fatal(err)
	}
	done, _, err := bolt.CreateJob(store.Job{KeyID: key.ID, CallbackURL: "https://example.com/h", Metadata: []byte(`{"a":1}`)},
		store.CreateLimits{ProbedSeconds: 11, IdempotencyKey: "once", RequestHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.FinishJob(done.ID, store.Outcome{Status: store.Completed, Transcript: []byte(`{"text":"x"}`), ChargeSeconds: 11,
		Deliver: func(store.Job) *store.Delivery { return &store.Delivery{Event: "transcription.completed"} }}); err != nil {
		t.Fatal(err)
	}
	audioPath := filepath.Join(audioDir, "queued.audio")
	if err := os.WriteFile(audioPath, bytes.Repeat([]byte("RIFF"), 300000), 0o600); err != nil {
		t.Fatal(err)
	}
	queued, _, err := bolt.CreateJob(store.Job{KeyID: key.ID, Source: store.Source{AudioPath: audioPath}}, store.CreateLimits{ProbedSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := bolt.Close(); err != nil {
		t.Fatal(err)
	}

	url := pgtest.Database(t)
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", dir)
	t.Setenv("INSTANTTRANSCRIBER_STORE_POSTGRES_URL", url)
	migrate := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"migrate"}, args...), &out, &errOut)
		return out.String() + errOut.String(), code
	}
	out, code := migrate()
	if code != 0 || !strings.Contains(out, "2 jobs (1 transcripts, 1 audio files), 1 keys, 1 deliveries, 1 usage months, 1 secrets") {
		t.Fatalf("migrate = %d:\n%s", code, out)
	}
	if strings.Contains(out, url) {
		t.Fatal("migrate printed the database URL")
	}

	if out, code := migrate(); code == 0 || !strings.Contains(out, "not empty") {
		t.Fatalf("second migrate = %d:\n%s", code, out)
	}
	if out, code := migrate("--check"); code != 0 {
		t.Fatalf("check = %d:\n%s", code, out)
	}

	pg, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if u, err := pg.QuotaUsage(key.ID, time.Now()); err != nil || u.UsedSeconds != 11 || u.ReservedSeconds != 5 {
		t.Fatalf("quota usage after migrate = %+v, %v; want 11 used, 5 reserved", u, err)
	}
	if j, existing, err := pg.CreateJob(store.Job{KeyID: key.ID}, store.CreateLimits{IdempotencyKey: "once", RequestHash: "h"}); err != nil || !existing || j.ID != done.ID {
		t.Fatalf("idempotent repeat after migrate = %s existing %v, %v", j.ID, existing, err)
	}
	if j, err := pg.ClaimNext(); err != nil || j.ID != queued.ID {
		t.Fatalf("claim after migrate = %s, %v; want the queued job", j.ID, err)
	}

	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "UPDATE transcripts SET body = 'tampered'"); err != nil {
		t.Fatal(err)
	}
	if out, code := migrate("--check"); code == 0 || !strings.Contains(out, "transcript of job "+done.ID+" differs") {
		t.Fatalf("check of a changed transcript = %d:\n%s", code, out)
	}
}
