package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestKeysRotateSigningAndLastAdmin: "keys rotate-signing" rotates the
// download URL signing secret with the server stopped (store file) and
// running (admin API), and "keys revoke" refuses the last admin key on both
// paths.
func TestKeysRotateSigningAndLastAdmin(t *testing.T) {
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	admin, adminID := createRootKey(t)

	var out string
	code, _, errOut := runCLI(t, "keys", "revoke", adminID)
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
	srv := startServe(t)
	api := []string{"--server", "http://" + srv.addr, "--admin-key", admin}
	code, out, errOut = runCLI(t, append([]string{"keys", "rotate-signing"}, api...)...)
	if want := "signed with kid 4; URLs of kids 4, 3 still verify"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("rotate-signing (running): exit %d, %q %q; want %q", code, out, errOut, want)
	}
	code, _, errOut = runCLI(t, append([]string{"keys", "revoke", adminID}, api...)...)
	if code != 1 || !strings.Contains(errOut, "409 conflict") || !strings.Contains(errOut, "last admin key") {
		t.Errorf("revoke the last admin key (running): exit %d, %q; want 1 and 409 conflict", code, errOut)
	}
	srv.stop()
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
