//go:build stress

package stress

// Helpers for the load, bad-input and security tests: the real binary as a
// subprocess (so its RSS and goroutines can be measured), and small HTTP
// helpers. Names carry an "it" prefix so they do not clash with the crash
// and outage tests' helpers in the same package.

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// jfkPath is the 16 kHz mono test recording, relative to this package.
const jfkPath = "../testdata/jfk.wav"

// itServer is bin/instanttranscriber serve running as a subprocess, with
// a separate metrics listener.
type itServer struct {
	*e2e.Proc
	metrics string // the separate metrics listener
	dataDir string
	client  *http.Client
}

// itStart runs the binary with a fresh data directory, beam size 1, a
// separate metrics listener and env on top, waits for /readyz, and stops
// it (SIGTERM, then SIGKILL) when the test ends.
func itStart(t *testing.T, env ...string) *itServer {
	t.Helper()
	bin := e2e.Binary(t, "../bin/instanttranscriber")
	model := e2e.Model("../models/ggml-tiny-q8_0.bin")
	if _, err := os.Stat(model); err != nil {
		t.Fatalf("the stress tests run the real model: %v (make model)", err)
	}
	// Run a private copy: a concurrent `make build` cannot swap the binary
	// under the test, and nothing that signals processes by the binary's
	// name reaches this one.
	priv := filepath.Join(t.TempDir(), "itserver")
	if b, err := os.ReadFile(bin); err != nil || os.WriteFile(priv, b, 0o755) != nil {
		t.Fatalf("copy %s: %v", bin, err)
	}
	s := &itServer{dataDir: t.TempDir(), client: &http.Client{Timeout: 60 * time.Second}}
	addr, maddr := e2e.FreeAddr(t), e2e.FreeAddr(t)
	s.metrics = "http://" + maddr
	s.Proc = e2e.Launch(t, priv, append([]string{
		"INSTANTTRANSCRIBER_DATA_DIR=" + s.dataDir,
		"INSTANTTRANSCRIBER_SERVER_ADDR=" + addr,
		"INSTANTTRANSCRIBER_METRICS_ADDR=" + maddr,
		"INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=" + model,
		"INSTANTTRANSCRIBER_WORKER_BEAM_SIZE=1",
		"INSTANTTRANSCRIBER_SERVER_MIN_FREE_DISK=0",
	}, append(newStressStore(t).env, env...)...), addr, false)
	// Before Launch's kill: a graceful stop first.
	t.Cleanup(func() {
		_ = s.Signal(syscall.SIGTERM)
		select {
		case <-s.Exited():
		case <-time.After(30 * time.Second):
		}
		if t.Failed() {
			t.Logf("server stderr (tail):\n%s", e2e.Tail(s.Log.String(), 4000))
		}
	})
	if !s.WaitReady(t) || s.Key == "" {
		t.Fatalf("server did not start with an admin key: %s", e2e.Tail(s.Log.String(), 4000))
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
	req, err := http.NewRequest(method, s.Base+path, body)
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
	r := s.do(t, http.MethodPost, "/v1/keys", s.Key, "application/json", strings.NewReader(`{"name":"`+name+`"}`))
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
	resp, err := http.Get(s.Base + "/healthz")
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
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Pid()))
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
	b, err := os.ReadFile(jfkPath)
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
