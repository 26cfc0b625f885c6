package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestKeysRotateSigningAndLastAdmin: "keys rotate-signing" rotates the
// download URL signing secret with the server stopped (store file) and
// running (admin API), and "keys revoke" refuses the last admin key on both
// paths.
func TestKeysRotateSigningAndLastAdmin(t *testing.T) {
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	keyRe := regexp.MustCompile(`key:\s+(itk_[0-9A-Za-z]{40})`)
	idRe := regexp.MustCompile(`id:\s+(\S+)`)

	code, out, errOut := runCLI(t, "keys", "create", "--name", "root", "--admin")
	if code != 0 || !keyRe.MatchString(out) {
		t.Fatalf("create (stopped): exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	admin, adminID := keyRe.FindStringSubmatch(out)[1], idRe.FindStringSubmatch(out)[1]

	code, _, errOut = runCLI(t, "keys", "revoke", adminID)
	if code != 1 || !strings.Contains(errOut, "last admin key") {
		t.Errorf("revoke the last admin key (stopped): exit %d, %q; want 1 and the reason", code, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"keys", "rotate-signing"}, "signed with kid 2; URLs of kids 2, 1 still verify"},
		{[]string{"keys", "rotate-signing", "--drop-old"}, "signed with kid 3; URLs of kids 3 still verify"},
	} {
		code, out, errOut = runCLI(t, c.args...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%s (stopped): exit %d, %q %q; want %q", strings.Join(c.args, " "), code, out, errOut, c.want)
		}
	}

	// Now with the server running: the same through the admin API.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--model", testModel()}, &bytes.Buffer{}, &stderr)
	}()
	addrRe := regexp.MustCompile(`msg=listening .*addr=(\S+)`)
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRe.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("server did not start: %s", stderr.String())
	}
	api := []string{"--server", "http://" + addr, "--admin-key", admin}
	code, out, errOut = runCLI(t, append([]string{"keys", "rotate-signing"}, api...)...)
	if want := "signed with kid 4; URLs of kids 4, 3 still verify"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("rotate-signing (running): exit %d, %q %q; want %q", code, out, errOut, want)
	}
	code, _, errOut = runCLI(t, append([]string{"keys", "revoke", adminID}, api...)...)
	if code != 1 || !strings.Contains(errOut, "409 conflict") || !strings.Contains(errOut, "last admin key") {
		t.Errorf("revoke the last admin key (running): exit %d, %q; want 1 and 409 conflict", code, errOut)
	}
	cancel()
	<-done
}

// TestKeysPostgres manages keys in the PostgreSQL database the config
// names, not in a bbolt file of data_dir.
func TestKeysPostgres(t *testing.T) {
	dir := t.TempDir()
	url := pgtest.Database(t)
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", dir)
	t.Setenv("INSTANTTRANSCRIBER_STORE_DRIVER", "postgres")
	t.Setenv("INSTANTTRANSCRIBER_STORE_POSTGRES_URL", url)
	code, out, errOut := runCLI(t, "keys", "create", "--name", "ops", "--admin")
	if code != 0 || !strings.Contains(out, "itk_") {
		t.Fatalf("create: exit %d, %q %q", code, out, errOut)
	}
	pg, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if keys, err := pg.ListKeys(); err != nil || len(keys) != 1 || keys[0].Name != "ops" {
		t.Fatalf("keys in the database = %+v, %v", keys, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "instanttranscriber.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("keys create wrote a bbolt file: %v", err)
	}
}
