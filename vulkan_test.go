//go:build vulkan

package main

// Vulkan checks of the command line (build tag "vulkan", make test-vulkan):
// version, /readyz and /metrics name the Vulkan device, and the engine
// config keys reach it. See engine/vulkan_test.go and docs/gpu.md.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// serveKey starts serve with the YAML config text (none when "") and
// returns it with its first admin key.
func serveKey(t *testing.T, config string) (servedCLI, string) {
	t.Helper()
	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	var args []string
	if config != "" {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		args = []string{"--config", path}
	}
	srv := startServe(t, args...)
	key := regexp.MustCompile(`itk_[0-9A-Za-z]{40}`).FindString(srv.stdout.String())
	if key == "" {
		t.Fatalf("no admin key on stdout %q", srv.stdout.String())
	}
	return srv, key
}

// TestVulkanVersion: version names the Vulkan device as the backend.
func TestVulkanVersion(t *testing.T) {
	code, out, errOut := runCLI(t, "version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"\nbackend: Vulkan (", "\ngpu device 0: Vulkan ("} {
		if !strings.Contains(out, want) {
			t.Errorf("version output %q lacks %q", out, want)
		}
	}
}

// TestVulkanServe: /readyz and /metrics report the Vulkan device by
// default, the CPU with engine.disable_gpu, and serve refuses to start with
// an engine.gpu_device that is not there.
func TestVulkanServe(t *testing.T) {
	srv, key := serveKey(t, "")
	checkEngineInfo(t, srv.addr, key, "Vulkan")
	srv.stop()

	srv, key = serveKey(t, "engine:\n  disable_gpu: true\n")
	checkEngineInfo(t, srv.addr, key, "CPU")
	srv.stop()

	t.Setenv("INSTANTTRANSCRIBER_DATA_DIR", t.TempDir())
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("engine:\n  gpu_device: 7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--model", testModel(), "--config", path)
	if code == 0 || !strings.Contains(errOut, "GPU device 7 does not exist") {
		t.Errorf("serve with gpu_device 7: exit %d, stderr %q; want a failed start naming the device", code, errOut)
	}
}
