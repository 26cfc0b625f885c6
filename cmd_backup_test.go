package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// backupKeyNames opens a backup file as a store and returns its key names.
func backupKeyNames(t *testing.T, path string) string {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("the backup %s does not open: %v", path, err)
	}
	defer st.Close()
	keys, err := st.ListKeys()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
	}
	return strings.Join(names, ",")
}

// TestBackupCommand backs up with the server stopped (store file) and
// running (admin API), and checks the restore path: the backup opens as a
// store with the keys.
func TestBackupCommand(t *testing.T) {
	data := t.TempDir()
	out := t.TempDir()
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", data)
	keyRe := regexp.MustCompile(`key:\s+(itk_[0-9A-Za-z]{40})`)

	if code, _, errOut := runCLI(t, "backup", filepath.Join(out, "none.db")); code != 1 || !strings.Contains(errOut, "no database") {
		t.Errorf("backup without a database: exit %d, %q", code, errOut)
	}
	code, stdout, errOut := runCLI(t, "keys", "create", "--name", "root", "--admin")
	if code != 0 {
		t.Fatalf("keys create: exit %d, %q", code, errOut)
	}
	admin := keyRe.FindStringSubmatch(stdout)[1]
	if code, _, _ := runCLI(t, "backup"); code != 2 {
		t.Errorf("backup without FILE: exit %d, want 2", code)
	}
	if code, _, errOut := runCLI(t, "backup", filepath.Join(data, "instanttranscriber.db")); code != 1 || !strings.Contains(errOut, "live database") {
		t.Errorf("backup onto the database: exit %d, %q", code, errOut)
	}

	file := filepath.Join(out, "it.db")
	code, stdout, errOut = runCLI(t, "backup", file)
	if code != 0 || !strings.Contains(stdout, "from the store file") {
		t.Fatalf("backup (stopped): exit %d, %q %q", code, stdout, errOut)
	}
	if got := backupKeyNames(t, file); got != "root" {
		t.Errorf("stopped backup keys = %q, want root", got)
	}

	// With the server running, the store is locked and the admin API is
	// used: at 127.0.0.1 on server.addr's port, or at --server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("INSTANTTRANSCRIBER_SERVER_ADDR", addr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--model", testModel()}, &bytes.Buffer{}, &stderr)
	}()
	server := "http://" + addr
	e2e.WaitFor(t, 30*time.Second, "the server to listen", func() bool {
		resp, err := http.Get(server + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	code, stdout, _ = runCLI(t, "keys", "create", "--name", "live", "--admin-key", admin)
	if code != 0 {
		t.Fatalf("keys create (running): exit %d", code)
	}
	user := keyRe.FindStringSubmatch(stdout)[1]

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no admin key", []string{"backup", file}, "--admin-key"},
		{"--server without an admin key", []string{"backup", file, "--server", server}, "--admin-key"},
		{"a non-admin key", []string{"backup", file, "--admin-key", user}, "403 forbidden"},
	} {
		t.Setenv("INSTANTTRANSCRIBER_ADMIN_KEY", "")
		if code, _, errOut := runCLI(t, tc.args...); code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("backup with %s: exit %d, %q; want 1 and %q", tc.name, code, errOut, tc.want)
		}
	}
	// The failed attempts left the previous backup as it was.
	if got := backupKeyNames(t, file); got != "root" {
		t.Errorf("after failed backups the file has keys %q, want root", got)
	}
	code, stdout, errOut = runCLI(t, "backup", file, "--admin-key", admin)
	if code != 0 || !strings.Contains(stdout, "from "+server) {
		t.Fatalf("backup (running, via server.addr): exit %d, %q %q", code, stdout, errOut)
	}
	if got := backupKeyNames(t, file); got != "root,live" {
		t.Errorf("running backup keys = %q, want root,live", got)
	}
	other := filepath.Join(out, "other.db")
	t.Setenv("INSTANTTRANSCRIBER_ADMIN_KEY", admin)
	code, stdout, errOut = runCLI(t, "backup", other, "--server", server+"/")
	if code != 0 || !strings.Contains(stdout, "from "+server+")") {
		t.Fatalf("backup (--server): exit %d, %q %q", code, stdout, errOut)
	}
	if got := backupKeyNames(t, other); got != "root,live" {
		t.Errorf("--server backup keys = %q, want root,live", got)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d", code)
	}

	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Name() != "it.db" || entries[1].Name() != "other.db" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("output directory holds %v, want it.db and other.db (no temporary files)", names)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v (%v), want 0600: it holds secrets", fi.Mode().Perm(), err)
	}
}

// TestBackupPostgres refuses to copy a bbolt file on PostgreSQL, pointing
// to pg_dump instead of writing an empty database.
func TestBackupPostgres(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", dir)
	t.Setenv("INSTANTTRANSCRIBER_STORE_DRIVER", "postgres")
	t.Setenv("INSTANTTRANSCRIBER_STORE_POSTGRES_URL", "postgres://u@db/x")
	out := filepath.Join(t.TempDir(), "copy.db")
	code, _, errOut := runCLI(t, "backup", out)
	if code != 1 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("backup on postgres: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("backup wrote %s: %v", out, err)
	}
}
