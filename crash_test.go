package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// testBinary returns the real binary that make test builds.
func testBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("INSTANTTRANSCRIBER_TEST_BIN")
	if bin == "" {
		bin = "bin/instanttranscriber"
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("this test runs the real binary: %v (make test builds it)", err)
	}
	return bin
}

// serveEnv returns a fresh data directory, a free address and the
// environment that runs serve on them with the test model at beam size 1,
// plus extra.
func serveEnv(t *testing.T, extra ...string) (dir, addr string, env []string) {
	t.Helper()
	dir, addr = t.TempDir(), freeAddr(t)
	env = append([]string{
		"INSTANTTRANSCRIBER_DATA_DIR=" + dir,
		"INSTANTTRANSCRIBER_SERVER_ADDR=" + addr,
		"INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=" + testModel(),
		"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=1",
	}, extra...)
	return dir, addr, env
}

// freeAddr returns a loopback address with a free port.
func freeAddr(t *testing.T) string { return e2e.FreeAddr(t) }

// serverProc is the real binary running as a subprocess.
type serverProc struct {
	cmd  *exec.Cmd
	base string
	key  string
	log  *syncBuffer
}

// startServer runs bin/instanttranscriber serve with env and waits until it
// is ready. The admin key is read from stdout on first start.
func startServer(t *testing.T, bin string, env []string, addr string) *serverProc {
	t.Helper()
	cmd := e2e.Serve(t, bin, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, base: "http://" + addr, log: &syncBuffer{}}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	keys := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`itk_[0-9A-Za-z]{40}`)
		for sc.Scan() {
			if k := re.FindString(sc.Text()); k != "" {
				keys <- k
			}
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case p.key = <-keys:
		default:
		}
		resp, err := http.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not become ready: %s", p.log.String())
	return nil
}

func (p *serverProc) getJob(t *testing.T, key, id string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.base+"/v1/transcriptions/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var j map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&j); err != nil {
		t.Fatal(err)
	}
	return j
}

// TestCrashRecovery kills the server with SIGKILL while it transcribes,
// restarts it, and checks the job completes exactly once.
func TestCrashRecovery(t *testing.T) {
	bin := testBinary(t)
	dir, addr, env := serveEnv(t,
		"INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms",
	)

	first := startServer(t, bin, env, addr)
	if first.key == "" {
		t.Fatal("first start printed no admin key")
	}
	key := first.key

	// 44 s of speech: a few seconds of whisper on this machine.
	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var samples []float32
	for range 4 {
		samples = append(samples, pcm.Samples...)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("language", "en")
	fw, _ := mw.CreateFormFile("file", "long.wav")
	fw.Write(wav16(samples))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, first.base+"/v1/transcriptions", &body)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created map[string]any
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %v", resp.StatusCode, created)
	}
	id := created["id"].(string)

	for deadline := time.Now().Add(60 * time.Second); ; {
		j := first.getJob(t, key, id)
		if j["stage"] == "transcribing" {
			break
		}
		if time.Now().After(deadline) || j["status"] == "completed" {
			t.Fatalf("job never seen transcribing: %v", j)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()

	second := startServer(t, bin, env, addr)
	if second.key != "" {
		t.Error("restart printed a new admin key; keys must persist")
	}
	var j map[string]any
	// Generous: CI runs other packages' whisper tests on the same 2 cores.
	for deadline := time.Now().Add(240 * time.Second); ; {
		j = second.getJob(t, key, id)
		if j["status"] == "completed" || j["status"] == "failed" || j["status"] == "canceled" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job did not finish after restart: %v\n%s", j, second.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if j["status"] != "completed" || j["attempt"] != float64(2) {
		t.Errorf("after the crash: status %v attempt %v, want completed on attempt 2", j["status"], j["attempt"])
	}
	if text, _ := j["text"].(string); !strings.Contains(strings.ToLower(text), "ask not what your country can do for you") {
		t.Errorf("text = %q", text)
	}
	second.cmd.Process.Signal(syscall.SIGTERM)
	if err := second.cmd.Wait(); err != nil {
		t.Errorf("graceful stop: %v\n%s", err, second.log.String())
	}

	// The store holds exactly one job, completed once, with the crash
	// recorded as an interrupted attempt and the usage charged once.
	st, err := store.Open(filepath.Join(dir, "instanttranscriber.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	job, err := st.GetJob(id)
	if err != nil {
		t.Fatal(err)
	}
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
