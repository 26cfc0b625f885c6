package main

import (
	"github.com/instanttranscriber/instanttranscriber/e2e"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
)

// TestPostgresNodeKilled kills node A with SIGKILL while whisper runs a
// job, then starts node B (its own data directory) on the same database:
// B rescues the job once A's lease lapses, fetches its audio from the
// database, and completes it on attempt 2, with one callback.
func TestPostgresNodeKilled(t *testing.T) {
	bin := testBinary(t)
	url := pgtest.Database(t)
	rcv := newHookReceiver(map[string]string{"/cb": "ok"})
	hooks := httptest.NewServer(rcv)
	defer hooks.Close()
	common := []string{
		"INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL=" + url,
		"INSTANTTRANSCRIBER_STORE_LEASE=3s", "INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms",
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true", "INSTANTTRANSCRIBER_WEBHOOK_JITTER=0",
		// The test polls the job every few milliseconds.
		"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=1000", "INSTANTTRANSCRIBER_SERVER_RATE_BURST=1000",
	}
	_, addrA, envA := serveEnv(t, common...)
	a := e2e.Start(t, bin, envA, addrA)
	key := a.Key

	ct, body := multipartJob(jfkTimes(t, 8), hooks.URL+"/cb")
	id := e2e.Create(t, a.Base, key, ct, body)
	e2e.WaitFor(t, 60*time.Second, "the job to transcribe on node A", func() bool {
		j := a.Job(t, key, id)
		if j["status"] == "completed" {
			t.Fatal("the job completed before node A could be killed")
		}
		return j["stage"] == "transcribing"
	})
	a.Kill()
	killed := time.Now()

	_, addrB, envB := serveEnv(t, common...)
	b := e2e.Start(t, bin, envB, addrB)
	var rescued time.Duration
	e2e.WaitFor(t, 60*time.Second, "node B to rescue the job", func() bool {
		j := b.Job(t, key, id)
		if n, _ := j["attempt"].(float64); n >= 2 {
			rescued = time.Since(killed)
			return true
		}
		return false
	})
	t.Logf("rescued %s after the kill (lease 3s)", rescued.Round(100*time.Millisecond))
	e2e.WaitFor(t, 2*time.Minute, "the job to complete on node B", func() bool { return b.Job(t, key, id)["status"] == "completed" })
	j := b.Job(t, key, id)
	if j["status"] != "completed" || j["attempt"] != float64(2) {
		t.Fatalf("job = %v, want completed on attempt 2\nnode B: %s", j, b.Log.String())
	}
	e2e.WaitFor(t, 30*time.Second, "the callback", func() bool { return rcv.count("/cb") >= 1 })
	if n := rcv.count("/cb"); n != 1 {
		t.Fatalf("%d callbacks, want 1", n)
	}
}

// TestPostgresRestartMidJob restarts the database while a node transcribes
// a job and queues others: every job completes, once.
func TestPostgresRestartMidJob(t *testing.T) {
	bin := testBinary(t)
	url := pgtest.Database(t)
	_, addr, env := serveEnv(t, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url,
		"INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms", "INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=1000", "INSTANTTRANSCRIBER_SERVER_RATE_BURST=1000")
	node := e2e.Start(t, bin, env, addr)
	wav := jfkTimes(t, 4)
	var ids []string
	for range 3 {
		ct, body := multipartJob(wav, "")
		ids = append(ids, e2e.Create(t, node.Base, node.Key, ct, body))
	}
	e2e.WaitFor(t, 60*time.Second, "the first job to transcribe", func() bool { return node.Job(t, node.Key, ids[0])["stage"] == "transcribing" })
	if err := pgtest.Shared(t).Restart(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		e2e.WaitFor(t, 3*time.Minute, "job "+id+" to complete", func() bool {
			j := node.Job(t, node.Key, id)
			if j["status"] == "failed" || j["status"] == "canceled" {
				t.Fatalf("job %s = %v\n%s", id, j, node.Log.String())
			}
			return j["status"] == "completed"
		})
	}
}

// jfkTimes is testdata/jfk.wav played n times over, as a 16 kHz WAV: a job
// long enough to be caught while whisper runs.
func jfkTimes(t *testing.T, n int) []byte { return e2e.RepeatWAV(t, jfkPath, n) }
