package main

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// testBinary returns the real binary that make test builds.
func testBinary(t *testing.T) string { return e2e.Binary(t, "bin/instanttranscriber") }

// serveEnv returns a fresh data directory, a free address and the
// environment that runs serve on them with the test model, plus extra.
func serveEnv(t *testing.T, extra ...string) (dir, addr string, env []string) {
	return e2e.Env(t, testModel(), extra...)
}

// openJob opens the store file in a stopped server's data directory dir
// and reads job id from it. The caller closes the store.
func openJob(t *testing.T, dir, id string) (*store.Store, store.Job) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "instanttranscriber.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	job, err := st.GetJob(id)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st, job
}

// TestCrashRecovery kills the server with SIGKILL while it transcribes,
// restarts it, and checks the job completes exactly once.
func TestCrashRecovery(t *testing.T) {
	bin := testBinary(t)
	dir, addr, env := serveEnv(t,
		"INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms",
	)

	first := e2e.Start(t, bin, env, addr)
	if first.Key == "" {
		t.Fatal("first start printed no admin key")
	}
	key := first.Key

	// 44 s of speech: a few seconds of whisper on this machine.
	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var samples []float32
	for range 4 {
		samples = append(samples, pcm.Samples...)
	}
	body, ct := e2e.Form([][2]string{{"language", "en"}}, "long.wav", wav16(samples))
	id := e2e.Create(t, first.Base, key, ct, body)

	first.WaitStage(t, key, id, "transcribing", 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	if err := first.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	second := e2e.Start(t, bin, env, addr)
	if second.Key != "" {
		t.Error("restart printed a new admin key; keys must persist")
	}
	// Generous: CI runs other packages' whisper tests on the same 2 cores.
	j := second.WaitEnded(t, key, id, 240*time.Second)
	if j["status"] != "completed" || j["attempt"] != float64(2) {
		t.Errorf("after the crash: status %v attempt %v, want completed on attempt 2", j["status"], j["attempt"])
	}
	if text, _ := j["text"].(string); !strings.Contains(strings.ToLower(text), "ask not what your country can do for you") {
		t.Errorf("text = %q", text)
	}
	second.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Errorf("graceful stop: %v\n%s", err, second.Log.String())
	}

	// The store holds exactly one job, completed once, with the crash
	// recorded as an interrupted attempt and the usage charged once.
	st, job := openJob(t, dir, id)
	defer st.Close()
	if len(job.Errors) != 1 || job.Errors[0].Code != store.CodeInterrupted {
		t.Errorf("attempt errors = %+v, want one interrupted", job.Errors)
	}
	used, err := st.Usage(job.KeyID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := 44.0; used < want-0.5 || used > want+0.5 {
		t.Errorf("usage = %v s, want %v (charged once)", used, want)
	}
	jobs, _, err := st.ListJobs(job.KeyID, "", 10, "")
	if err != nil || len(jobs) != 1 {
		t.Errorf("jobs = %d (%v), want exactly 1", len(jobs), err)
	}
}

// wav16 encodes 16 kHz mono samples as 16-bit PCM WAV.
func wav16(samples []float32) []byte { return e2e.WAV(samples) }
