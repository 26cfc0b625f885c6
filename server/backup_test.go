package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestBackupEndpoint: an admin key downloads a store file, taken while the
// server runs, that opens and holds the keys and jobs; other keys cannot,
// and no temporary file is left behind.
func TestBackupEndpoint(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	created := h.upload(h.userKey, jfk(t, 1), nil)
	if created.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", created.status, created.body)
	}
	id := created.json(t)["id"].(string)

	for _, tc := range []struct {
		name, key, code string
		status          int
	}{
		{"no key", "", "unauthorized", http.StatusUnauthorized},
		{"user key", h.userKey, "forbidden", http.StatusForbidden},
	} {
		r := h.do(http.MethodGet, "/v1/admin/backup", tc.key, "", nil)
		if r.status != tc.status || r.errorCode(t) != tc.code {
			t.Errorf("%s: %d %s; want %d %s", tc.name, r.status, r.body, tc.status, tc.code)
		}
	}

	r := h.do(http.MethodGet, "/v1/admin/backup", h.adminKey, "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("admin backup: %d %s", r.status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != "application/octet-stream" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := r.header.Get("Content-Disposition"); !strings.HasPrefix(got, `attachment; filename="instanttranscriber-`) || !strings.HasSuffix(got, `.db"`) {
		t.Errorf("Content-Disposition = %q", got)
	}
	if got := r.header.Get("Content-Length"); got != strconv.Itoa(len(r.body)) {
		t.Errorf("Content-Length = %q, body %d bytes", got, len(r.body))
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer b.Close()
	keys, err := b.ListKeys()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
	}
	if strings.Join(names, ",") != "admin,user" {
		t.Errorf("backup keys = %v; want admin,user", names)
	}
	if j, err := b.GetJob(id); err != nil || j.Status != store.Queued {
		t.Errorf("backup job = %+v, %v; want %s queued", j, err, id)
	}

	entries, err := os.ReadDir(filepath.Join(h.dir, "audio"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "backup") {
			t.Errorf("temporary file %s left in the audio directory", e.Name())
		}
	}
}
