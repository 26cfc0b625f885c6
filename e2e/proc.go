package e2e

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// readyWithin bounds how long a process may take to answer /readyz: a
// cold start loads the model, on a busy machine.
const readyWithin = 120 * time.Second

// adminKey matches the admin key serve prints on its first start.
var adminKey = regexp.MustCompile(`itk_[0-9A-Za-z]{40}`)

// Binary returns the real binary the tests run: $INSTANTTRANSCRIBER_TEST_BIN,
// else def (relative to the test's package directory). It fails the test
// when the file is not there.
func Binary(t testing.TB, def string) string {
	t.Helper()
	bin := os.Getenv("INSTANTTRANSCRIBER_TEST_BIN")
	if bin == "" {
		bin = def
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("this test runs the real binary: %v (make build)", err)
	}
	return bin
}

// Model returns the whisper model the tests use:
// $INSTANTTRANSCRIBER_TEST_MODEL, else def.
func Model(def string) string {
	if p := os.Getenv("INSTANTTRANSCRIBER_TEST_MODEL"); p != "" {
		return p
	}
	return def
}

// Proc is `instanttranscriber serve` running as a subprocess. It never
// outlives its test (see Serve): the test's cleanup kills it and waits.
type Proc struct {
	Base string  // http://ADDR
	Key  string  // the admin key, printed on the first start only
	Log  *Buffer // what it wrote to stderr

	cmd    *exec.Cmd
	keys   chan string
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

// Launch starts bin serve with env, listening on addr, and returns without
// waiting for it to be ready (see WaitReady). With stdoutToLog, stdout goes
// to Log too and Key stays empty; otherwise stdout is scanned for the
// admin key.
func Launch(t testing.TB, bin string, env []string, addr string, stdoutToLog bool) *Proc {
	t.Helper()
	cmd := Serve(t, bin, env...)
	p := &Proc{Base: "http://" + addr, Log: &Buffer{}, cmd: cmd, keys: make(chan string, 1), exited: make(chan struct{})}
	cmd.Stderr = p.Log
	if stdoutToLog {
		cmd.Stdout = p.Log
	} else {
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if k := adminKey.FindString(sc.Text()); k != "" {
					select {
					case p.keys <- k:
					default:
					}
				}
			}
		}()
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.Kill)
	return p
}

// Start launches bin serve (see Launch) and waits until it is ready,
// failing the test if it exits first or is not ready in time.
func Start(t testing.TB, bin string, env []string, addr string) *Proc {
	t.Helper()
	p := Launch(t, bin, env, addr, false)
	if !p.WaitReady(t) {
		t.Fatalf("server exited during start-up: %v\n%s", p.err, Tail(p.Log.String(), 4000))
	}
	return p
}

// WaitReady waits until /readyz answers 200, and reports true, or until
// the process exits, and reports false. It fails the test if neither
// happens in time. On a first start it also reads the admin key into Key.
func (p *Proc) WaitReady(t testing.TB) bool {
	t.Helper()
	for deadline := time.Now().Add(readyWithin); time.Now().Before(deadline); {
		select {
		case <-p.exited:
			return false
		case <-time.After(30 * time.Millisecond):
		}
		resp, err := http.Get(p.Base + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			// The key is printed before the listener opens, so it is in
			// the pipe by now when there is one.
			select {
			case p.Key = <-p.keys:
			case <-time.After(100 * time.Millisecond):
			}
			return true
		}
	}
	t.Fatalf("server neither ready nor exited within %v:\n%s", readyWithin, Tail(p.Log.String(), 4000))
	return false
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Exited is closed once the process has exited.
func (p *Proc) Exited() <-chan struct{} { return p.exited }

// Wait waits for the process to exit and returns its exit error, as
// exec.Cmd.Wait does; it may be called more than once.
func (p *Proc) Wait() error {
	<-p.exited
	return p.err
}

// Kill sends SIGKILL and waits for the process to go; it does nothing to
// a process that has exited.
func (p *Proc) Kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// Stop sends SIGTERM and waits up to a minute for a clean exit, reporting
// any other outcome as a test error (and killing it if it hangs).
func (p *Proc) Stop(t testing.TB) {
	t.Helper()
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		p.Kill()
		t.Errorf("server did not stop within 60 s of SIGTERM")
	}
	if p.err != nil {
		t.Errorf("graceful stop: %v\n%s", p.err, Tail(p.Log.String(), 4000))
	}
}

// Job returns GET /v1/transcriptions/{id} with key, decoded.
func (p *Proc) Job(t testing.TB, key, id string) map[string]any {
	t.Helper()
	var j map[string]any
	if _, err := Call(p.Base, key, http.MethodGet, "/v1/transcriptions/"+id, "", nil, nil, &j); err != nil {
		t.Fatal(err)
	}
	return j
}

// Tail returns the last n bytes of s.
func Tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Env returns a fresh data directory, a free address and the environment
// that runs serve on them with model at beam size 1, plus extra (later
// entries win).
func Env(t testing.TB, model string, extra ...string) (dir, addr string, env []string) {
	t.Helper()
	dir, addr = t.TempDir(), FreeAddr(t)
	env = append([]string{
		"INSTANTTRANSCRIBER_DATA_DIR=" + dir,
		"INSTANTTRANSCRIBER_SERVER_ADDR=" + addr,
		"INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=" + model,
		"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=1",
	}, extra...)
	return dir, addr, env
}

// Pid is the process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// WaitStage polls the job until its stage is stage, failing the test if
// the job ends first or within passes.
func (p *Proc) WaitStage(t testing.TB, key, id, stage string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(20 * time.Millisecond) {
		j := p.Job(t, key, id)
		if j["stage"] == stage {
			return
		}
		if Ended(j) || time.Now().After(deadline) {
			t.Fatalf("job never seen %s: %v", stage, j)
		}
	}
}

// WaitEnded polls the job until it is completed, failed or canceled, and
// returns it; it fails the test after within.
func (p *Proc) WaitEnded(t testing.TB, key, id string, within time.Duration) map[string]any {
	t.Helper()
	var j map[string]any
	WaitFor(t, within, "job "+id+" to end", func() bool {
		j = p.Job(t, key, id)
		return Ended(j)
	})
	return j
}

// Ended reports whether the job (as the API shows it) is completed, failed
// or canceled.
func Ended(j map[string]any) bool {
	switch j["status"] {
	case "completed", "failed", "canceled":
		return true
	}
	return false
}
