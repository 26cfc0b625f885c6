package main

import (
	"strings"
	"testing"
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
