//go:build whisper && vulkan

package engine_test

// The Vulkan tests (build tag "vulkan", make test-vulkan) run the model on
// a Vulkan device: in CI Mesa's software device, lavapipe, which ggml only
// lists with GGML_VK_VISIBLE_DEVICES=0. See docs/gpu.md.

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/enginetest"
)

// logBuffer collects whisper.cpp's log lines (a slog handler's output).
type logBuffer = e2e.Buffer

// loadLogged loads the test model with cfg and returns it with whisper's
// log of the load, at debug level (where its INFO lines go).
func loadLogged(t *testing.T, cfg engine.Config) (*engine.Model, string, error) {
	t.Helper()
	var log logBuffer
	cfg.ModelPath = enginetest.ModelPath()
	m, err := engine.Load(cfg, slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if m != nil {
		t.Cleanup(func() { m.Close() })
	}
	return m, log.String(), err
}

var (
	vkOnce  sync.Once
	vkModel *engine.Model
	vkLog   *logBuffer // whisper's log from the load on, until the next Load
	vkErr   error
)

// vulkanModel loads the model on Vulkan device 0 once for the package.
func vulkanModel(t *testing.T) *engine.Model {
	t.Helper()
	if os.Getenv("GGML_VK_VISIBLE_DEVICES") == "" {
		t.Fatal("GGML_VK_VISIBLE_DEVICES is not set: ggml skips CPU-type Vulkan devices (lavapipe) without it; run make test-vulkan")
	}
	vkOnce.Do(func() {
		vkLog = &logBuffer{}
		path := enginetest.ModelPath()
		vkModel, vkErr = engine.Load(engine.Config{ModelPath: path}, slog.New(slog.NewTextHandler(vkLog, &slog.HandlerOptions{Level: slog.LevelDebug})))
	})
	if vkErr != nil {
		t.Fatalf("load on Vulkan: %v", vkErr)
	}
	return vkModel
}

// usedVulkan reports whether whisper.cpp's load log shows the weights
// placed on Vulkan device 0 ("whisper_model_load: Vulkan0 total size = ...").
// (whisper picks the backend of a state, "using Vulkan0 backend", later, in
// whisper_init_state, by the same rule.)
func usedVulkan(log string) bool {
	return strings.Contains(log, "Vulkan0 total size")
}

// TestVulkanLoad: the model loads on the Vulkan device, says so in its Info,
// and whisper.cpp's log agrees, for the weights and for a State's backend.
// It must be the first test to load a model with vulkanModel.
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
	st, err := m.NewState()
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	log := vkLog.String()
	if !usedVulkan(log) {
		t.Errorf("whisper's load log does not show the weights on Vulkan0:\n%s", log)
	}
	if !strings.Contains(log, "whisper_backend_init_gpu: using Vulkan0 backend") {
		t.Errorf("whisper's log does not show a State on the Vulkan0 backend:\n%s", log)
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
	if usedVulkan(log) || !strings.Contains(log, "CPU total size") {
		t.Errorf("disable_gpu: whisper's load log does not show the weights on the CPU:\n%s", log)
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
// the next job (jfk.wav) to the CPU's text. whisper checks the abort flag
// before each encoder pass and after each graph computation, so on a GPU
// it stops after the graph under way, at worst one encoder pass. The clip
// is jfk.wav six times (66 s, three 30 s windows), cancelled as the second
// window begins: stopping must take less time than the first window took
// (plus a quarter), where running on would take two more windows. The bound scales with the
// device's speed (lavapipe is slow, and slower on a busy machine).
func TestVulkanCancel(t *testing.T) {
	cpu, _, err := loadLogged(t, engine.Config{DisableGPU: true})
	if err != nil {
		t.Fatal(err)
	}
	one := jfk(t)
	want, err := cpu.Transcribe(context.Background(), one, engine.Options{Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := vulkanModel(t).NewState()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var six []float32
	for range 6 {
		six = append(six, one...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan time.Duration, 1)
	var once sync.Once
	done := make(chan error, 1)
	begin := time.Now()
	go func() {
		_, err := st.Transcribe(ctx, six, engine.Options{Language: "en", Progress: func(p int) {
			if p > 0 && p < 100 {
				once.Do(func() { started <- time.Since(begin) })
			}
		}})
		done <- err
	}()
	var firstWindow time.Duration
	select {
	case firstWindow = <-started:
	case err := <-done:
		t.Fatalf("transcription ended (%v) before reporting progress past the first window", err)
	}
	canceledAt := time.Now()
	cancel()
	err = <-done
	stopped := time.Since(canceledAt)
	t.Logf("first window %v; whisper stopped %v after cancel", firstWindow.Round(time.Millisecond), stopped.Round(time.Millisecond))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// Running on would take the two remaining windows (nearly twice the
	// first; measured 42 s to stop against a 63 s first window on lavapipe);
	// the quarter of slack is for a machine whose load changes meanwhile.
	if stopped >= firstWindow*5/4 {
		t.Errorf("whisper stopped %v after cancel, not sooner than the first window took (%v) plus a quarter", stopped, firstWindow)
	}

	start := time.Now()
	tr, err := st.Transcribe(context.Background(), one, engine.Options{Language: "en"})
	if err != nil {
		t.Fatalf("next job on the same State: %v", err)
	}
	t.Logf("jfk.wav after the cancel: Vulkan %v", time.Since(start).Round(time.Millisecond))
	if got := normalize(tr.Text); got != normalize(want.Text) || !strings.Contains(got, jfkPhrase) {
		t.Errorf("next job on the same State: %q, want the CPU's %q", tr.Text, want.Text)
	}
}

// TestVulkanMatchesCPU: jfk.wav three times (33 s, two 30 s windows for
// whisper) gives the same text on the Vulkan device as on the CPU, word for
// word after normalisation (no tolerance is needed; see docs/gpu.md).
// jfk.wav alone is compared in TestVulkanCancel.
func TestVulkanMatchesCPU(t *testing.T) {
	vk := vulkanModel(t)
	cpu, _, err := loadLogged(t, engine.Config{DisableGPU: true})
	if err != nil {
		t.Fatal(err)
	}
	one := jfk(t)
	long := append(append(append([]float32{}, one...), one...), one...)
	opts := engine.Options{Language: "en"}
	start := time.Now()
	onCPU, err := cpu.Transcribe(context.Background(), long, opts)
	if err != nil {
		t.Fatal(err)
	}
	cpuTime := time.Since(start)
	start = time.Now()
	onVK, err := vk.Transcribe(context.Background(), long, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("33 s: CPU %v, Vulkan %v", cpuTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	if a, b := normalize(onCPU.Text), normalize(onVK.Text); a != b {
		t.Errorf("text differs\nCPU:    %q\nVulkan: %q", a, b)
	}
	if !strings.Contains(normalize(onVK.Text), jfkPhrase) {
		t.Errorf("Vulkan text %q lacks %q", onVK.Text, jfkPhrase)
	}
}
