//go:build whisper && vulkan

package engine_test

// The Vulkan tests (build tag "vulkan", make test-vulkan) run the model on
// a Vulkan device: in CI Mesa's software device, lavapipe, which ggml only
// lists with GGML_VK_VISIBLE_DEVICES=0. See docs/gpu.md.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// logBuffer collects whisper.cpp's log lines (a slog handler's output).
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// loadLogged loads the test model with cfg and returns it with whisper's
// log of the load, at debug level (where its INFO lines go).
func loadLogged(t *testing.T, cfg engine.Config) (*engine.Model, string, error) {
	t.Helper()
	var log logBuffer
	cfg.ModelPath = envPath("INSTANTTRANSCRIBER_TEST_MODEL", "../models/ggml-tiny-q8_0.bin")
	m, err := engine.Load(cfg, slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if m != nil {
		t.Cleanup(func() { m.Close() })
	}
	return m, log.String(), err
}

var (
	vkOnce  sync.Once
	vkModel *engine.Model
	vkLog   string
	vkErr   error
)

// vulkanModel loads the model on Vulkan device 0 once for the package.
func vulkanModel(t *testing.T) *engine.Model {
	t.Helper()
	if os.Getenv("GGML_VK_VISIBLE_DEVICES") == "" {
		t.Fatal("GGML_VK_VISIBLE_DEVICES is not set: ggml skips CPU-type Vulkan devices (lavapipe) without it; run make test-vulkan")
	}
	vkOnce.Do(func() {
		var log logBuffer
		path := envPath("INSTANTTRANSCRIBER_TEST_MODEL", "../models/ggml-tiny-q8_0.bin")
		vkModel, vkErr = engine.Load(engine.Config{ModelPath: path}, slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})))
		vkLog = log.String()
	})
	if vkErr != nil {
		t.Fatalf("load on Vulkan: %v", vkErr)
	}
	return vkModel
}

// usedVulkan reports whether whisper.cpp's load log shows it took the
// Vulkan device as its GPU backend.
func usedVulkan(log string) bool {
	return strings.Contains(log, "whisper_backend_init_gpu: using Vulkan0 backend")
}

// TestVulkanLoad: the model loads on the Vulkan device, says so in its Info,
// and whisper.cpp's log agrees.
func TestVulkanLoad(t *testing.T) {
	gpus := engine.GPUDevices()
	if len(gpus) == 0 || gpus[0].Backend != "Vulkan" {
		t.Fatalf("GPU devices %v, want a Vulkan device first", gpus)
	}
	m := vulkanModel(t)
	info := m.Info()
	if info.Backend != "Vulkan" || info.Device != gpus[0].Description {
		t.Errorf("model runs on %s (%s), want Vulkan (%s)", info.Backend, info.Device, gpus[0].Description)
	}
	if !usedVulkan(vkLog) {
		t.Errorf("whisper's load log does not show the Vulkan backend:\n%s", vkLog)
	}
	t.Logf("Vulkan device 0: %s", info.Device)
}

// TestVulkanDisableGPU: engine.disable_gpu keeps whisper on the CPU in a
// Vulkan build.
func TestVulkanDisableGPU(t *testing.T) {
	vulkanModel(t)
	m, log, err := loadLogged(t, engine.Config{DisableGPU: true})
	if err != nil {
		t.Fatal(err)
	}
	if info := m.Info(); info.Backend != "CPU" {
		t.Errorf("disable_gpu: model runs on %s (%s), want CPU", info.Backend, info.Device)
	}
	if usedVulkan(log) || !strings.Contains(log, "no GPU found") {
		t.Errorf("disable_gpu: whisper's load log shows a GPU backend:\n%s", log)
	}
}

// TestVulkanGPUDevice: engine.gpu_device past the devices there are is a
// load error naming the devices, not a silent fall back to the CPU.
func TestVulkanGPUDevice(t *testing.T) {
	vulkanModel(t)
	n := len(engine.GPUDevices())
	_, _, err := loadLogged(t, engine.Config{GPUDevice: n})
	if !errors.Is(err, engine.ErrNoDevice) || !errors.Is(err, engine.ErrModelLoad) {
		t.Fatalf("gpu_device %d of %d: err = %v, want ErrNoDevice and ErrModelLoad", n, n, err)
	}
	if !strings.Contains(err.Error(), "0: Vulkan (") {
		t.Errorf("error %q does not list the devices there are", err)
	}
	// gpu_device 0 is the device the shared model runs on.
	if dev, err := engine.PickDevice(engine.Config{GPUDevice: 0}); err != nil || dev.Backend != "Vulkan" {
		t.Errorf("gpu_device 0: %v, %v; want the Vulkan device", dev, err)
	}
}

// TestVulkanCancel: cancelling a transcription on the Vulkan device stops
// whisper with the context's error, and the same State then transcribes
// the next job correctly. whisper checks the abort flag after each graph
// computation, so on a GPU it stops after the encoder pass or decoder step
// under way; the test allows a minute for lavapipe's slow encoder.
func TestVulkanCancel(t *testing.T) {
	st, err := vulkanModel(t).NewState()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	one := jfk(t)
	long := append(append(append([]float32{}, one...), one...), one...)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	go func() {
		// Cancel once the first 30 s window is done, while the GPU works on
		// the second.
		_, err := st.Transcribe(ctx, long, engine.Options{Language: "en", Progress: func(p int) {
			if p > 0 && p < 100 {
				once.Do(func() { close(started) })
			}
		}})
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("transcription ended (%v) before reporting progress past the first window", err)
	}
	canceledAt := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		t.Logf("whisper stopped %v after cancel", time.Since(canceledAt).Round(time.Millisecond))
	case <-time.After(time.Minute):
		t.Fatal("transcription did not stop within a minute of cancel")
	}
	tr, err := st.Transcribe(context.Background(), one, engine.Options{Language: "en"})
	if err != nil {
		t.Fatalf("next job on the same State: %v", err)
	}
	if got := normalize(tr.Text); !strings.Contains(got, jfkPhrase) {
		t.Errorf("next job on the same State: %q, want %q", tr.Text, jfkPhrase)
	}
}

// TestVulkanMatchesCPU: jfk.wav (11 s) and jfk.wav three times (33 s, two
// 30 s windows for whisper) give the same text on the Vulkan device as on
// the CPU, word for word after normalisation (no tolerance is needed; see
// docs/gpu.md).
func TestVulkanMatchesCPU(t *testing.T) {
	vk := vulkanModel(t)
	cpu, _, err := loadLogged(t, engine.Config{DisableGPU: true})
	if err != nil {
		t.Fatal(err)
	}
	one := jfk(t)
	long := append(append(append([]float32{}, one...), one...), one...)
	for _, clip := range []struct {
		name    string
		samples []float32
	}{{"11s", one}, {"33s", long}} {
		t.Run(clip.name, func(t *testing.T) {
			opts := engine.Options{Language: "en"}
			start := time.Now()
			onCPU, err := cpu.Transcribe(context.Background(), clip.samples, opts)
			if err != nil {
				t.Fatal(err)
			}
			cpuTime := time.Since(start)
			start = time.Now()
			onVK, err := vk.Transcribe(context.Background(), clip.samples, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: CPU %v, Vulkan %v", clip.name, cpuTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
			if a, b := normalize(onCPU.Text), normalize(onVK.Text); a != b {
				t.Errorf("text differs\nCPU:    %q\nVulkan: %q", a, b)
			}
			if !strings.Contains(normalize(onVK.Text), jfkPhrase) {
				t.Errorf("Vulkan text %q lacks %q", onVK.Text, jfkPhrase)
			}
		})
	}
}
