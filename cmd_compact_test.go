package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestCompactCommand compacts a stopped store through the CLI, and refuses
// while another process holds the file (as a running server does).
func TestCompactCommand(t *testing.T) {
	data := t.TempDir()
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", data)

	if code, _, errOut := runCLI(t, "compact"); code != 1 || !strings.Contains(errOut, "no database") {
		t.Errorf("compact without a database: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "keys", "create", "--name", "root", "--admin"); code != 0 {
		t.Fatalf("keys create: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "compact", "extra"); code != 2 {
		t.Errorf("compact with an argument: exit %d, want 2", code)
	}

	path := filepath.Join(data, "instanttranscriber.db")
	held, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "compact")
	if code != 1 || !strings.Contains(errOut, "stop the server") {
		t.Errorf("compact of a held store: exit %d, %q", code, errOut)
	}
	if err := held.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, "compact")
	if code != 0 {
		t.Fatalf("compact: exit %d, %q", code, errOut)
	}
	if !regexp.MustCompile(`compacted .*instanttranscriber\.db: \d+ -> \d+ bytes`).MatchString(out) {
		t.Errorf("stdout = %q", out)
	}
	if got := backupKeyNames(t, path); got != "root" {
		t.Errorf("keys after compaction = %q, want root", got)
	}
}
