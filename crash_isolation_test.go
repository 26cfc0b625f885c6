package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestCrashBlamesOnlyTheCrashingJob runs the real binary with 2 workers and
// a job that kills the process whenever it is claimed (the test-only hook
// of testhook.go). The first crash happens while a healthy job transcribes
// beside it; the test restarts the server after every crash, as a
// supervisor would. The healthy job must complete, and only the poison job
// fail, with interrupted, after jobs.max_attempts crashes of its own.
func TestCrashBlamesOnlyTheCrashingJob(t *testing.T) {
	bin := testBinary(t)
	dir, addr, env := serveEnv(t,
		"INSTANTTRANSCRIBER_WORKER_WORKERS=2",
		"INSTANTTRANSCRIBER_WORKER_THREADS_PER_JOB=1",
		"INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms",
		"INSTANTTRANSCRIBER_JOBS_MAX_ATTEMPTS=2",
		testCrashEnv+"=poison.wav",
	)
	first := e2e.Start(t, bin, env, addr)
	key := first.Key
	exited := first.Exited()

	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 22 s of speech: it is still transcribing when the poison job arrives.
	healthyID := postAudio(t, first.Base, key, "healthy.wav", wav16(append(append([]float32(nil), pcm.Samples...), pcm.Samples...)))
	first.WaitStage(t, key, healthyID, "transcribing", 60*time.Second)
	// The server may die before it answers: the job is stored before the
	// 202 and claimed at once.
	body, ct := audioForm("poison.wav", wav16(pcm.Samples))
	e2e.Call(first.Base, key, http.MethodPost, "/v1/transcriptions", ct, body, nil, nil)
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("the poison job did not crash the server:\n%s", first.Log.String())
	}

	// Restart after every crash until every job has ended.
	logs := superviseUntilEnded(t, bin, env, addr, key, 6)
	st, healthy := openJob(t, dir, healthyID)
	defer st.Close()
	jobs, _, err := st.ListJobs(healthy.KeyID, "", 10, "")
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs = %d (%v); want 2", len(jobs), err)
	}
	var poison store.Job
	for _, j := range jobs {
		if j.ID != healthyID {
			poison = j
		}
	}
	if healthy.Status != store.Completed || healthy.Attempt != 1 {
		t.Errorf("healthy job = %s attempt %d errors %+v; want completed on attempt 1 (the shared crash not counted)",
			healthy.Status, healthy.Attempt, healthy.Errors)
	}
	if poison.Status != store.Failed || poison.Error == nil || poison.Error.Code != store.CodeInterrupted || poison.Attempt != 2 {
		t.Errorf("poison job = %s %+v attempt %d; want failed interrupted after its 2 attempts", poison.Status, poison.Error, poison.Attempt)
	}
	if t.Failed() {
		t.Logf("server logs:\n%s", logs.String())
	}
}

// superviseUntilEnded restarts the server after every exit until all of
// key's jobs have ended, then stops it gracefully; it fails the test after
// maxRestarts. It returns the servers' logs.
func superviseUntilEnded(t *testing.T, bin string, env []string, addr, key string, maxRestarts int) *bytes.Buffer {
	t.Helper()
	var logs bytes.Buffer
	for range maxRestarts {
		// The server may crash during start-up, recovering the job that
		// crashed it: then it is restarted too.
		p := e2e.Launch(t, bin, env, addr, true)
		p.WaitReady(t)
		exited := p.Exited()
		for running := true; running; {
			select {
			case <-exited:
				running = false
				continue
			case <-time.After(100 * time.Millisecond):
			}
			if allEnded(p.Base, key) {
				p.Signal(syscall.SIGTERM)
				<-exited
				logs.WriteString(p.Log.String())
				return &logs
			}
		}
		logs.WriteString(p.Log.String())
	}
	t.Fatalf("still crashing after %d restarts:\n%s", maxRestarts, logs.String())
	return nil
}

// allEnded reports whether every job of the key is terminal; false when the
// server does not answer.
func allEnded(base, key string) bool {
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/transcriptions?limit=10", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct {
			Status string `json:"status"`
		} `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&list) != nil || len(list.Data) == 0 {
		return false
	}
	for _, j := range list.Data {
		if j.Status == "queued" || j.Status == "processing" {
			return false
		}
	}
	return true
}

// audioForm is a job request for data named name, language en.
func audioForm(name string, data []byte) (*bytes.Buffer, string) {
	return e2e.Form([][2]string{{"language", "en"}}, name, data)
}

// postAudio uploads data as a job and returns its ID.
func postAudio(t *testing.T, base, key, name string, data []byte) string {
	t.Helper()
	body, ct := audioForm(name, data)
	return e2e.Create(t, base, key, ct, body)
}
