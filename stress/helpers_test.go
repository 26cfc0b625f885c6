//go:build stress

package stress

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

const jfkPath = "../testdata/jfk.wav"

// testBin is the real binary (make builds it).
func testBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("INSTANTTRANSCRIBER_TEST_BIN")
	if bin == "" {
		bin = "../bin/instanttranscriber"
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the stress tests run the real binary: %v (make build)", err)
	}
	return bin
}

func testModel() string {
	if p := os.Getenv("INSTANTTRANSCRIBER_TEST_MODEL"); p != "" {
		return p
	}
	return "../models/ggml-tiny-q8_0.bin"
}

// short reports whether the suite runs in its CI size.
func short() bool { return testing.Short() || os.Getenv("STRESS_SHORT") == "1" }

// envInt reads a positive integer from the environment, else def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string { return e2e.FreeAddr(t) }

// syncBuffer is the output buffer the end-to-end tests share.
type syncBuffer = e2e.Buffer

// proc is the real binary running as a subprocess.
type proc struct {
	cmd  *exec.Cmd
	base string
	key  string // the admin key, printed on first start only
	log  *syncBuffer
	done chan struct{}
}

// start runs `instanttranscriber serve` with env and waits for /readyz.
func start(t *testing.T, bin string, env []string, addr string) *proc {
	t.Helper()
	cmd := e2e.Serve(t, bin, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, base: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
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
	go func() { cmd.Wait(); close(p.done) }()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(30 * time.Millisecond) {
		select {
		case <-p.done:
			t.Fatalf("server exited during start-up: %s", p.log.String())
		default:
		}
		resp, err := http.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				select {
				case p.key = <-keys:
				case <-time.After(100 * time.Millisecond):
				}
				return p
			}
		}
	}
	p.kill()
	t.Fatalf("server did not become ready: %s", p.log.String())
	return nil
}

// kill sends SIGKILL and waits for the process to go.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM and waits; it reports a non-clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.kill()
		t.Errorf("server did not stop within 60 s of SIGTERM")
	}
	if st := p.cmd.ProcessState; st != nil && !st.Success() {
		t.Errorf("graceful stop: %v\n%s", st, tail(p.log.String(), 4000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// call does an authenticated request and decodes a JSON answer into out
// (when not nil). It returns the status code.
func call(base, key, method, path, contentType string, body io.Reader, hdr map[string]string, out any) (int, error) {
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %q: %w", b, err)
		}
	}
	return resp.StatusCode, nil
}

// wav16 encodes 16 kHz mono samples as 16-bit PCM WAV.
func wav16(samples []float32) []byte { return e2e.WAV(samples) }
