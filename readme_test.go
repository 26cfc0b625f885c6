package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestREADMEQuickStart runs the README's "Use the API" shell block as
// written against the real server (only KEY and API are set to this
// server's), so the examples cannot drift from the API.
func TestREADMEQuickStart(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(readme), "## Use the API")
	m := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(after)
	if m == nil {
		t.Fatal("README: no sh block under \"## Use the API\"")
	}
	const key = "itk_READMEquickstart0123456789abcdefghijKL"
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	t.Setenv("INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY", key)
	srv := startServe(t)

	script := m[1]
	for old, repl := range map[string]string{
		"KEY=itk_...":               "KEY=" + key,
		"API=http://localhost:8080": "API=http://" + srv.addr,
	} {
		if !strings.Contains(script, old) {
			t.Fatalf("README block lacks %q", old)
		}
		script = strings.Replace(script, old, repl, 1)
	}
	// Run where the block's relative paths (testdata/jfk.wav) resolve, with
	// the files it writes (job.json) kept out of the repository.
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Symlink(filepath.Join(wd, "testdata"), filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README block failed: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		`"status":"queued"`,                        // the upload's 202
		"ask not what your country can do for you", // the finished job, then its export
		"-->", // the srt export
	} {
		if !strings.Contains(strings.ToLower(text), want) {
			t.Errorf("README block output lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{`"used_seconds"`, `"name":"crm"`, `"webhook_id":"msg_`} {
		if !strings.Contains(text, want) {
			t.Errorf("README block output lacks %s:\n%s", want, text)
		}
	}
}
