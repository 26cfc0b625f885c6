//go:build stress

package stress

// Helpers for the load, bad-input and security tests: the real binary as a
// subprocess (so its RSS and goroutines can be measured), and small HTTP
// helpers. Names carry an "it" prefix so they do not clash with the crash
// and outage tests' helpers in the same package.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// itJFK is the 16 kHz mono test recording, relative to this package.
const itJFK = "../testdata/jfk.wav"

// itBuf is the output buffer the end-to-end tests share.
type itBuf = e2e.Buffer

// itServer is bin/instanttranscriber serve running as a subprocess.
type itServer struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	metrics string // the separate metrics listener
	admin   string // the admin key printed on first start
	dataDir string
	stderr  *itBuf
	client  *http.Client
}

// itFreeAddr returns a free 127.0.0.1 address.
func itFreeAddr(t *testing.T) string { return e2e.FreeAddr(t) }

// itStart runs the binary with a fresh data directory, beam size 1, a
// separate metrics listener and env on top, waits for /readyz, and stops
// it (SIGTERM, then SIGKILL) when the test ends.
func itStart(t *testing.T, env ...string) *itServer {
	t.Helper()
	bin := os.Getenv("INSTANTTRANSCRIBER_TEST_BIN")
	if bin == "" {
		bin = "../bin/instanttranscriber"
	}
	model := os.Getenv("INSTANTTRANSCRIBER_TEST_MODEL")
	if model == "" {
		model = "../models/ggml-tiny-q8_0.bin"
	}
	for _, p := range []string{bin, model} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("the stress tests run the real binary and model: %v (make build model)", err)
		}
	}
	// Run a private copy: a concurrent `make build` cannot swap the binary
	// under the test, and nothing that signals processes by the binary's
	// name reaches this one.
	priv := filepath.Join(t.TempDir(), "itserver")
	if b, err := os.ReadFile(bin); err != nil || os.WriteFile(priv, b, 0o755) != nil {
		t.Fatalf("copy %s: %v", bin, err)
	}
	bin = priv
	s := &itServer{dataDir: t.TempDir(), stderr: &itBuf{}, client: &http.Client{Timeout: 60 * time.Second}}
	addr, maddr := itFreeAddr(t), itFreeAddr(t)
	s.base, s.metrics = "http://"+addr, "http://"+maddr
	cmd := e2e.Serve(t, bin, append([]string{
		"INSTANTTRANSCRIBER_DATA_DIR=" + s.dataDir,
		"INSTANTTRANSCRIBER_SERVER_ADDR=" + addr,
		"INSTANTTRANSCRIBER_METRICS_ADDR=" + maddr,
		"INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=" + model,
		"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=1",
		"INSTANTTRANSCRIBER_SERVER_MIN_FREE_DISK=0",
	}, env...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd = cmd
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server stderr (tail):\n%s", itTail(s.stderr.String(), 4000))
		}
	})
	keys := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`itk_[0-9A-Za-z]{40}`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if k := re.FindString(sc.Text()); k != "" {
				select {
				case keys <- k:
				default:
				}
			}
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s.admin == "" {
			select {
			case s.admin = <-keys:
			default:
			}
		}
		if s.admin != "" {
			if resp, err := http.Get(s.base + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return s
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become ready: %s", itTail(s.stderr.String(), 4000))
	return nil
}

func itTail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// itResp is a response read in full.
type itResp struct {
	Status int
	Header http.Header
	Body   []byte
}

// Code is the error code of an error response, or "".
func (r itResp) Code() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// JSON decodes the body into a map.
func (r itResp) JSON() map[string]any {
	var m map[string]any
	json.Unmarshal(r.Body, &m)
	return m
}

// do sends a request with key as the bearer token ("" for none).
func (s *itServer) do(t *testing.T, method, path, key, contentType string, body io.Reader) itResp {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	r, err := s.send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// send does req with the server's client and reads the whole body.
func (s *itServer) send(req *http.Request) (itResp, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		return itResp{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return itResp{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
}

// newKey creates a non-admin API key and returns its secret and id.
func (s *itServer) newKey(t *testing.T, name string) (secret, id string) {
	t.Helper()
	r := s.do(t, http.MethodPost, "/v1/keys", s.admin, "application/json", strings.NewReader(`{"name":"`+name+`"}`))
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		t.Fatalf("create key: %d %s", r.Status, r.Body)
	}
	m := r.JSON()
	secret, _ = m["key"].(string)
	id, _ = m["id"].(string)
	if secret == "" || id == "" {
		t.Fatalf("create key: no key or id in %s", r.Body)
	}
	return secret, id
}

// healthy fails the test unless /healthz answers 200.
func (s *itServer) healthy(t *testing.T, after string) {
	t.Helper()
	resp, err := http.Get(s.base + "/healthz")
	if err != nil {
		t.Fatalf("after %s: /healthz: %v", after, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after %s: /healthz = %d", after, resp.StatusCode)
	}
}

// goroutines reads go_goroutines from the metrics listener.
func (s *itServer) goroutines(t *testing.T) int {
	t.Helper()
	resp, err := http.Get(s.metrics + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("go_goroutines %q: %v", v, err)
			}
			return int(f)
		}
	}
	t.Fatal("metrics: no go_goroutines")
	return 0
}

// settleGoroutines waits until the goroutine count is at most want, and
// returns the last count.
func (s *itServer) settleGoroutines(t *testing.T, want int, within time.Duration) int {
	t.Helper()
	s.client.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(within)
	n := s.goroutines(t)
	for n > want && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		n = s.goroutines(t)
	}
	return n
}

// procStatusKB returns a kB field of /proc/PID/status (VmHWM, VmRSS).
func (s *itServer) procStatusKB(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	t.Fatalf("no %s in /proc status", field)
	return 0
}

// audioFiles lists data_dir/audio.
func (s *itServer) audioFiles(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(s.dataDir, "audio"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// waitJob polls a job until it is completed, failed or canceled.
func (s *itServer) waitJob(t *testing.T, key, id string, within time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := s.do(t, http.MethodGet, "/v1/transcriptions/"+id, key, "", nil)
		j := r.JSON()
		switch j["status"] {
		case "completed", "failed", "canceled":
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %v after %v (%d %s)", id, j["status"], within, r.Status, r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitFirstAttempt polls a job's webhook deliveries until the first one has
// an attempt recorded, delivered or not.
func (s *itServer) waitFirstAttempt(t *testing.T, key, id string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := s.do(t, http.MethodGet, "/v1/transcriptions/"+id+"/deliveries", key, "", nil)
		var ds struct {
			Data []struct {
				Attempts []json.RawMessage `json:"attempts"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.Body, &ds); err == nil && len(ds.Data) > 0 && len(ds.Data[0].Attempts) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: no webhook attempt recorded after %v (%d %s)", id, within, r.Status, r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// itClip returns 1 s of speech from jfk.wav, starting at second 1, as a
// 16 kHz 16-bit mono WAV.
func itClip(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(itJFK)
	if err != nil {
		t.Fatalf("test audio: %v", err)
	}
	// Walk the RIFF chunks to "data"; jfk.wav is 16 kHz 16-bit mono.
	off := 12
	for off+8 <= len(b) {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:off+8]))
		if id == "data" {
			pcm := b[off+8+32000 : off+8+64000]
			return itWAV(pcm, uint32(len(pcm)))
		}
		off += 8 + size + size%2
	}
	t.Fatal("jfk.wav: no data chunk")
	return nil
}

// itWAV wraps 16 kHz 16-bit mono PCM in a WAV header whose data chunk
// claims dataLen bytes.
func itWAV(pcm []byte, dataLen uint32) []byte { return e2e.WAVWithLength(pcm, dataLen) }

// itForm builds a multipart body: fields in order, then the file when
// data is not nil.
func itForm(fields [][2]string, filename string, data []byte) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if data != nil {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	return &body, mw.FormDataContentType()
}
