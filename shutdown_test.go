package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestGracefulShutdown sends SIGTERM while a job transcribes. The process
// exits 0 soon after worker.shutdown_grace; the job goes back to the queue
// with its attempt refunded and nothing recorded against it (RequeueJob with
// refundAttempt); after the restart it completes once, on attempt 1, charged
// once. A callback that was failing at the shutdown is delivered after the
// restart.
func TestGracefulShutdown(t *testing.T) {
	bin := testBinary(t)
	rcv := newHookReceiver(map[string]string{"/short": "fail", "/long": "ok"})
	hooks := httptest.NewServer(rcv)
	defer hooks.Close()

	dir, addr, env := serveEnv(t,
		"INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms",
		"INSTANTTRANSCRIBER_WORKER_SHUTDOWN_GRACE=200ms",
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true",
		// Retries every 4 s for about a minute: the failing callback stays
		// pending across the shutdown and the restart, even on a busy machine.
		"INSTANTTRANSCRIBER_WEBHOOK_RETRY_SCHEDULE=0s 4s 4s 4s 4s 4s 4s 4s 4s 4s 4s 4s 4s 4s 4s",
		"INSTANTTRANSCRIBER_WEBHOOK_JITTER=0",
	)
	first := e2e.Start(t, bin, env, addr)
	key := first.Key

	// The short job (11 s) completes first; its callback fails.
	jfk, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartJob(jfk, hooks.URL+"/short")
	idShort := e2e.Create(t, first.Base, key, ct, body)
	e2e.WaitFor(t, 60*time.Second, "the short job's callback to fail", func() bool { return rcv.count("/short") >= 1 })

	// The long job (88 s) is interrupted while whisper runs.
	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var samples []float32
	for range 8 {
		samples = append(samples, pcm.Samples...)
	}
	ct, body = multipartJob(wav16(samples), hooks.URL+"/long")
	idLong := e2e.Create(t, first.Base, key, ct, body)
	first.WaitStage(t, key, idLong, "transcribing", 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	stopped := time.Now()
	if err := first.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("SIGTERM: %v, want exit status 0\n%s", err, first.Log.String())
		}
	case <-time.After(30 * time.Second):
		first.Kill()
		t.Fatalf("the server did not exit within 30 s of SIGTERM\n%s", first.Log.String())
	}
	took := time.Since(stopped)
	t.Logf("SIGTERM to exit: %s", took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("SIGTERM to exit took %s; the 200ms grace should abort whisper at once", took)
	}
	if log := first.Log.String(); !strings.Contains(log, "job interrupted by shutdown and requeued") {
		t.Fatalf("the long job was not interrupted by the shutdown:\n%s", log)
	}

	// Between the runs: the long job is queued again exactly as RequeueJob
	// with refundAttempt leaves it (attempt back to 0, no AttemptError), and
	// the short job's callback is pending in the outbox.
	st, job := openJob(t, dir, idLong)
	if job.Status != store.Queued || job.Stage != store.StageQueued || job.Attempt != 0 || len(job.Errors) != 0 || !job.StartedAt.IsZero() {
		t.Errorf("interrupted job = status %s stage %s attempt %d errors %+v started %v; want queued, queued, 0, none, zero",
			job.Status, job.Stage, job.Attempt, job.Errors, job.StartedAt)
	}
	ds, err := st.DeliveriesForJob(idShort)
	if err != nil || len(ds) != 1 || ds[0].Status != store.DeliveryPending {
		t.Errorf("short job's deliveries = %+v, %v; want one pending", ds, err)
	}
	st.Close()
	if n := rcv.count("/long"); n != 0 {
		t.Errorf("the interrupted job sent %d callbacks", n)
	}

	rcv.set("/short", "ok")
	second := e2e.Start(t, bin, env, addr)
	j := second.WaitEnded(t, key, idLong, 180*time.Second)
	if j["status"] != "completed" || j["attempt"] != float64(1) {
		t.Errorf("after the restart: status %v attempt %v, want completed on attempt 1", j["status"], j["attempt"])
	}
	if text, _ := j["text"].(string); !strings.Contains(strings.ToLower(text), "ask not what your country can do for you") {
		t.Errorf("text = %q", text)
	}
	e2e.WaitFor(t, 30*time.Second, "both callbacks accepted", func() bool {
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		return rcv.accepted["/short"] != nil && rcv.accepted["/long"] != nil
	})
	second.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Errorf("second graceful stop: %v\n%s", err, second.Log.String())
	}

	rcv.mu.Lock()
	if n := len(rcv.seen["/long"]); n != 1 {
		t.Errorf("long job callbacks = %d, want exactly 1", n)
	}
	for path, want := range map[string]string{"/short": idShort, "/long": idLong} {
		var p map[string]any
		if err := json.Unmarshal(rcv.accepted[path], &p); err != nil || p["id"] != want || p["status"] != "completed" {
			t.Errorf("%s callback = %s (%v), want %s completed", path, rcv.accepted[path], err, want)
		}
	}
	rcv.mu.Unlock()

	// The store: two jobs, the long one completed once with no attempt
	// errors, and the usage charged once for each.
	st, long := openJob(t, dir, idLong)
	defer st.Close()
	short, err := st.GetJob(idShort)
	if err != nil {
		t.Fatal(err)
	}
	if long.Attempt != 1 || len(long.Errors) != 0 {
		t.Errorf("long job attempt %d errors %+v, want attempt 1 and none", long.Attempt, long.Errors)
	}
	used, err := st.Usage(long.KeyID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := (long.AudioDuration + short.AudioDuration).Seconds(); want < 98 || used < want-0.01 || used > want+0.01 {
		t.Errorf("usage = %v s, want %v (88 s + 11 s, each charged once)", used, want)
	}
	jobs, _, err := st.ListJobs(long.KeyID, "", 10, "")
	if err != nil || len(jobs) != 2 {
		t.Errorf("jobs = %d (%v), want exactly 2", len(jobs), err)
	}
}

// multipartJob is a multipart job request: the audio, language en and a
// callback URL.
func multipartJob(wav []byte, callback string) (string, *bytes.Buffer) {
	body, ct := e2e.Form([][2]string{{"language", "en"}, {"callback_url", callback}}, "audio.wav", wav)
	return ct, body
}
