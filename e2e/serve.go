package e2e

import (
	"os"
	"os/exec"
	"testing"
)

// Serve returns the command that runs `bin serve` with env added to this
// process's environment. The process never outlives the test: where the
// system allows (Linux) it is killed when the test process dies, and a
// cleanup kills it when the test ends, failed or not, without having
// stopped it. The caller sets the output and starts it.
func Serve(t testing.TB, bin string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	dieWithParent(cmd)
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill() // os.ErrProcessDone once it has stopped
		}
	})
	return cmd
}
