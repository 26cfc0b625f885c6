package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestProcEndsWithItsTest: a process started by Launch has exited by the
// time the test that started it has returned, as it would after a failure
// (t.Fatal runs the same cleanups).
func TestProcEndsWithItsTest(t *testing.T) {
	// A stand-in for the binary that ignores SIGTERM and never gets ready:
	// only the kill in the cleanup ends it.
	bin := filepath.Join(t.TempDir(), "serve.sh")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\ntrap '' TERM\nexec sleep 300\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var p *Proc
	t.Run("server", func(t *testing.T) {
		p = Launch(t, bin, nil, FreeAddr(t), true)
	})
	select {
	case <-p.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("the process outlived its test")
	}
}
