package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

const jfkPath = "testdata/jfk.wav"

// testModel is the real model: make test sets the variable; the default is
// where make model puts it.
func testModel() string { return e2e.Model("models/ggml-tiny-q8_0.bin") }

// syncBuffer is the output buffer the end-to-end tests share.
type syncBuffer = e2e.Buffer

// runCLI runs the command line and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTranscribeCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "transcribe", jfkPath, "--model", testModel(), "--beam", "1", "--language", "en")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if got := strings.ToLower(out); !strings.Contains(got, "ask not what your country can do for you") {
		t.Errorf("stdout = %q, want the JFK sentence", out)
	}
	if errOut != "" {
		t.Errorf("stderr = %q, want nothing when stderr is not a terminal", errOut)
	}
}

// TestTranscribeNoGPU: --no-gpu reaches whisper.cpp, which logs its
// use_gpu parameter at load (seen with --verbose), and the text is the same.
func TestTranscribeNoGPU(t *testing.T) {
	code, out, errOut := runCLI(t, "transcribe", jfkPath, "--model", testModel(), "--beam", "1", "--language", "en", "--no-gpu", "--verbose")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !regexp.MustCompile(`use gpu\s+= 0`).MatchString(errOut) {
		t.Errorf("whisper.cpp's log does not show use gpu = 0:\n%s", errOut)
	}
	if got := strings.ToLower(out); !strings.Contains(got, "ask not what your country can do for you") {
		t.Errorf("stdout = %q, want the JFK sentence", out)
	}
}

var srtTiming = regexp.MustCompile(`^\d{2,}:\d{2}:\d{2},\d{3} --> \d{2,}:\d{2}:\d{2},\d{3}$`)

func TestTranscribeSRT(t *testing.T) {
	code, out, errOut := runCLI(t, "transcribe", "--format", "srt", "--model", testModel(), "--beam", "1", jfkPath)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	cues := strings.Split(strings.TrimSpace(out), "\n\n")
	if len(cues) == 0 {
		t.Fatalf("no cues in %q", out)
	}
	for i, cue := range cues {
		lines := strings.Split(cue, "\n")
		if len(lines) < 3 {
			t.Errorf("cue %d = %q, want number, timing and text", i+1, cue)
			continue
		}
		if lines[0] != strconv.Itoa(i+1) {
			t.Errorf("cue %d numbered %q", i+1, lines[0])
		}
		if !srtTiming.MatchString(lines[1]) {
			t.Errorf("cue %d timing %q is not SRT", i+1, lines[1])
		}
	}
}

func TestTranscribeErrors(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.wav")
	if err := os.WriteFile(corrupt, []byte("RIFF\x24\x00\x00\x00WAVEjunkjunkjunk"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "notes.wav")
	if err := os.WriteFile(text, []byte("this is not audio at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"corrupt wav", []string{"transcribe", corrupt}, 1, "corrupt.wav"},
		{"text file", []string{"transcribe", text}, 1, "not an audio file"},
		{"missing file", []string{"transcribe", filepath.Join(dir, "nope.wav")}, 1, "nope.wav"},
		{"bad model", []string{"transcribe", jfkPath, "--model", text}, 1, "model"},
		{"no file", []string{"transcribe"}, 2, "usage: instanttranscriber transcribe"},
		{"serve argument", []string{"serve", "extra"}, 2, "usage: instanttranscriber serve"},
		{"serve argument's rule", []string{"serve", "extra"}, 2, "serve takes no arguments"},
		{"compact argument", []string{"compact", "extra"}, 2, "usage: instanttranscriber compact"},
		{"backup without file", []string{"backup"}, 2, "usage: instanttranscriber backup"},
		{"backup's rule", []string{"backup"}, 2, "backup takes one output file"},
		{"keys without command", []string{"keys"}, 2, "keys needs create, list, revoke or rotate-signing"},
		{"bad format", []string{"transcribe", jfkPath, "--format", "docx"}, 2, "docx"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.wantCode, errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr = %q, want it to mention %q", errOut, tc.wantErr)
			}
			if tc.wantCode == 1 {
				// One line: the error itself, after any whisper log lines.
				lines := strings.Split(strings.TrimSpace(errOut), "\n")
				last := lines[len(lines)-1]
				if !strings.HasPrefix(last, "instanttranscriber: ") {
					t.Errorf("last stderr line = %q, want a one-line error", last)
				}
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"instanttranscriber ", "whisper.cpp 1.9.1", "system info:"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output %q lacks %q", out, want)
		}
	}
	if !regexp.MustCompile(`(?m)^backend: (CPU|Vulkan|CUDA) \(.+\)$`).MatchString(out) {
		t.Errorf("version output %q does not name the backend and device", out)
	}
}

// checkEngineInfo: /readyz and /metrics name the backend the model runs on
// and its device; wantBackend "" accepts any.
func checkEngineInfo(t *testing.T, addr, adminKey, wantBackend string) (backend, device string) {
	t.Helper()
	var ready map[string]string
	code, err := e2e.Call("http://"+addr, "", http.MethodGet, "/readyz", "", nil, nil, &ready)
	if err != nil || code != http.StatusOK || ready["status"] != "ready" {
		t.Fatalf("readyz = %d %v (%v)", code, ready, err)
	}
	backend, device = ready["backend"], ready["device"]
	if backend == "" || device == "" || (wantBackend != "" && backend != wantBackend) {
		t.Errorf("readyz backend %q device %q, want backend %q and a device", backend, device, wantBackend)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `instanttranscriber_engine_info{backend=` + strconv.Quote(backend) + `,device=` + strconv.Quote(device) + `,model="tiny"} 1`
	if !strings.Contains(string(body), want) {
		t.Errorf("metrics (%d) lack %s", resp.StatusCode, want)
	}
	return backend, device
}

// servedCLI is a serve command run in-process by startServe.
type servedCLI struct {
	addr           string
	stdout, stderr *syncBuffer
	stop           func() int // cancels serve and returns its exit code
}

// startServe runs serve with args on a free port and waits until it
// listens. Tests set the data directory in the environment first.
func startServe(t *testing.T, args ...string) servedCLI {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--model", testModel()}, args...), &stdout, &stderr)
	}()
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not shut down")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	addrRe := regexp.MustCompile(`msg=listening .*addr=(\S+)`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if m := addrRe.FindStringSubmatch(stderr.String()); m != nil {
			return servedCLI{addr: m[1], stdout: &stdout, stderr: &stderr, stop: stop}
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("server did not report its address: %s", stderr.String())
	return servedCLI{}
}

// TestServeHealthz starts the real server on a free port and probes it.
func TestServeHealthz(t *testing.T) {
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	srv := startServe(t)
	var body map[string]string
	code, err := e2e.Call("http://"+srv.addr, "", http.MethodGet, "/healthz", "", nil, nil, &body)
	if err != nil || code != http.StatusOK || body["status"] != "ok" {
		t.Errorf("healthz = %d %v (%v), want 200 {status: ok}", code, body, err)
	}
	// The API reference names the program's version.
	resp, err := http.Get("http://" + srv.addr + "/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := "\n  version: " + strconv.Quote(version) + "\n"; !strings.Contains(string(doc), want) {
		t.Errorf("openapi.yaml lacks info.version %q", want)
	}
	// First start with no keys: one admin key, printed once on stdout and
	// never in the log.
	key := regexp.MustCompile(`itk_[0-9A-Za-z]{40}`).FindString(srv.stdout.String())
	if key == "" {
		t.Errorf("stdout = %q, want the first admin key", srv.stdout.String())
	} else if strings.Contains(srv.stderr.String(), key) {
		t.Error("the admin key appears in the log")
	} else {
		checkEngineInfo(t, srv.addr, key, "")
	}
	if code := srv.stop(); code != 0 {
		t.Errorf("serve exit %d after shutdown: %s", code, srv.stderr.String())
	}
}

// TestServeInitialAdminKey: an unattended first start takes the admin key
// from INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE, prints no key, logs none,
// and the key works; a malformed key stops the start with the variable named.
func TestServeInitialAdminKey(t *testing.T) {
	const chosen = "itk_0123456789abcdefghijABCDEFGHIJ0123456789"
	keyFile := filepath.Join(t.TempDir(), "admin-key")
	if err := os.WriteFile(keyFile, []byte(chosen+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	t.Setenv("INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE", keyFile)
	srv := startServe(t)
	if strings.Contains(srv.stdout.String(), "itk_") {
		t.Errorf("stdout = %q, want no key printed", srv.stdout.String())
	}
	code, err := e2e.Call("http://"+srv.addr, chosen, http.MethodGet, "/v1/keys", "", nil, nil, nil)
	if err != nil || code != http.StatusOK {
		t.Errorf("GET /v1/keys with the chosen key = %d (%v), want 200", code, err)
	}
	if code := srv.stop(); code != 0 {
		t.Errorf("serve exit %d: %s", code, srv.stderr.String())
	}
	if strings.Contains(srv.stderr.String(), chosen) {
		t.Error("the chosen admin key appears in the log")
	}

	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	t.Setenv("INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE", "")
	t.Setenv("INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY", "hunter2")
	code, _, errOut := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--model", testModel())
	if code != 1 || !strings.Contains(errOut, "INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY") || strings.Contains(errOut, "hunter2") {
		t.Errorf("malformed initial key: exit %d, stderr %q; want 1, naming the variable but not the value", code, errOut)
	}
}

// keyRe and idRe find the secret and the id in what "keys create" prints.
var (
	keyRe = regexp.MustCompile(`key:\s+(itk_[0-9A-Za-z]{40})`)
	idRe  = regexp.MustCompile(`id:\s+(\S+)`)
)

// createRootKey runs "keys create --name root --admin" with the server
// stopped and returns the key's secret and id.
func createRootKey(t *testing.T) (secret, id string) {
	t.Helper()
	code, out, errOut := runCLI(t, "keys", "create", "--name", "root", "--admin")
	if code != 0 || !keyRe.MatchString(out) {
		t.Fatalf("create (stopped): exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	return keyRe.FindStringSubmatch(out)[1], idRe.FindStringSubmatch(out)[1]
}

// TestKeysCommand manages keys with the server stopped (store file) and
// running (admin API, since the server holds the store's lock).
func TestKeysCommand(t *testing.T) {
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	admin, _ := createRootKey(t)
	code, out, errOut := runCLI(t, "keys", "create", "--name", "crm", "--quota-hours", "2")
	if code != 0 || !strings.Contains(out, "2h/month") {
		t.Fatalf("create with quota: exit %d, %q", code, out)
	}
	crmID := idRe.FindStringSubmatch(out)[1]
	code, out, _ = runCLI(t, "keys", "revoke", crmID)
	if code != 0 || !strings.Contains(out, "revoked "+crmID) {
		t.Fatalf("revoke (stopped): exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "keys", "list")
	if code != 0 || !strings.Contains(out, "root") || !strings.Contains(out, "crm") || strings.Contains(out, "itk_") {
		t.Fatalf("list (stopped): exit %d, %q", code, out)
	}

	// Now with the server running.
	srv := startServe(t)
	addr := srv.addr
	code, _, errOut = runCLI(t, "keys", "list")
	if code != 1 || !strings.Contains(errOut, "--admin-key") {
		t.Errorf("list while running without an admin key: exit %d, %q", code, errOut)
	}
	server := "http://" + addr
	code, out, errOut = runCLI(t, "keys", "create", "--name", "live", "--server", server, "--admin-key", admin)
	if code != 0 || !keyRe.MatchString(out) {
		t.Fatalf("create (running): exit %d, %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "keys", "list", "--server", server, "--admin-key", admin)
	if code != 0 || !strings.Contains(out, "live") {
		t.Errorf("list (running): exit %d, %q", code, out)
	}
	srv.stop()
}

// TestServeFlagsFixConfig: --addr and --model override bad values in the
// config file, since the configuration is validated after the flags.
func TestServeFlagsFixConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", dir)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("server:\n  addr: \"not an address\"\nengine:\n  model_path: \"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, "--config", path)
	code, err := e2e.Call("http://"+srv.addr, "", http.MethodGet, "/healthz", "", nil, nil, nil)
	if err != nil || code != http.StatusOK {
		t.Errorf("healthz = %d (%v); want 200", code, err)
	}
	if code := srv.stop(); code != 0 {
		t.Errorf("serve exited %d: %s", code, srv.stderr.String())
	}
}
