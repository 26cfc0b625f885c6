// Package receivers_test runs the webhook receivers of docs/webhooks.md, as
// written, against signed deliveries: each must accept a valid one once
// (deduplicating a retry), and refuse a tampered body and a stale timestamp.
package receivers_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/webhook"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// receiver is one example program and how to start it in dir.
type receiver struct {
	name string
	cmd  func(t *testing.T, dir string) *exec.Cmd
}

func receivers() []receiver {
	return []receiver{
		{"go", func(t *testing.T, dir string) *exec.Cmd {
			bin := filepath.Join(dir, "receiver")
			build := exec.Command("go", "build", "-o", bin, "./go")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			return exec.Command(bin)
		}},
		{"python", func(t *testing.T, dir string) *exec.Cmd {
			py, err := exec.LookPath("python3")
			if err != nil {
				t.Fatal("python3 is not installed; .ci/run installs it")
			}
			return exec.Command(py, "python/receiver.py")
		}},
		{"node", func(t *testing.T, dir string) *exec.Cmd {
			node, err := exec.LookPath("node")
			if err != nil {
				t.Fatal("node is not installed; .ci/run installs it")
			}
			// The receiver imports standardwebhooks as a user's project would:
			// from a node_modules beside it (make webhook-verifier installs it).
			mods, _ := filepath.Abs("../../scripts/webhookverify/node_modules")
			if _, err := os.Stat(filepath.Join(mods, "standardwebhooks")); err != nil {
				t.Fatal("standardwebhooks is not installed: run make webhook-verifier")
			}
			src, err := os.ReadFile("node/receiver.mjs")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "receiver.mjs"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(mods, filepath.Join(dir, "node_modules")); err != nil {
				t.Fatal(err)
			}
			return exec.Command(node, filepath.Join(dir, "receiver.mjs"))
		}},
	}
}

func TestReceivers(t *testing.T) {
	for _, r := range receivers() {
		t.Run(r.name, func(t *testing.T) {
			cmd := r.cmd(t, t.TempDir())
			cmd.Env = append(os.Environ(), "CALLBACK_SECRET="+secret, "PORT=0")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			port := waitListening(t, stderr)
			lines := make(chan string, 10)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			url := "http://127.0.0.1:" + port + "/hook"
			body := []byte(`{"id":"01a21de4-cdcc-7cc1-8ba1-6cd64a7b31c3","status":"completed","metadata":{"crm_id":42}}`)
			now := time.Now().Unix()

			if got := post(t, url, "msg_1", now, body, body); got != http.StatusNoContent {
				t.Fatalf("valid delivery: status %d, want 204", got)
			}
			select {
			case line := <-lines:
				var got map[string]string
				want := map[string]string{"webhook_id": "msg_1", "id": "01a21de4-cdcc-7cc1-8ba1-6cd64a7b31c3", "status": "completed"}
				if err := json.Unmarshal([]byte(line), &got); err != nil || !maps.Equal(got, want) {
					t.Errorf("printed %s (%v), want %v", line, err, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the receiver printed nothing for a valid delivery")
			}
			// A retry of the same message is acknowledged but not handled
			// twice; a new message is (and proves the retry printed nothing).
			if got := post(t, url, "msg_1", now, body, body); got != http.StatusNoContent {
				t.Errorf("retried delivery: status %d, want 204", got)
			}
			tampered := bytes.Replace(body, []byte("completed"), []byte("failed"), 1)
			if got := post(t, url, "msg_2", now, body, tampered); got != http.StatusBadRequest {
				t.Errorf("tampered body: status %d, want 400", got)
			}
			if got := post(t, url, "msg_3", now-600, body, body); got != http.StatusBadRequest {
				t.Errorf("10-minute-old timestamp: status %d, want 400", got)
			}
			if got := post(t, url, "msg_4", now, body, body); got != http.StatusNoContent {
				t.Errorf("second valid delivery: status %d, want 204", got)
			}
			select {
			case line := <-lines:
				if !strings.Contains(line, `"msg_4"`) {
					t.Errorf("next printed line is %s, want msg_4's (the retry of msg_1 must not print)", line)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the receiver printed nothing for the second valid delivery")
			}
		})
	}
}

// post sends sent, signed as if it were signed, and returns the status.
func post(t *testing.T, url, id string, ts int64, signed, sent []byte) int {
	t.Helper()
	sig, err := webhook.Sign(secret, id, ts, signed)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(sent))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// waitListening reads "listening on PORT" from the receiver's stderr.
func waitListening(t *testing.T, stderr io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`listening on (\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				_, _ = io.Copy(io.Discard, stderr)
				return
			}
		}
		close(found)
	}()
	select {
	case port, ok := <-found:
		if !ok {
			t.Fatal("the receiver exited before listening")
		}
		return port
	case <-time.After(60 * time.Second):
		t.Fatal("the receiver did not start listening")
		return ""
	}
}
