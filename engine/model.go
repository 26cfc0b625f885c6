//go:build whisper

package engine

/*
#include <stdlib.h>
#include <whisper.h>
*/
import "C"

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
	"unsafe"
)

// Model is a whisper model loaded into memory once and shared by any number
// of States. It is safe for concurrent use.
type Model struct {
	ctx  *C.struct_whisper_context
	info ModelInfo

	mu     sync.Mutex
	closed bool
	states sync.WaitGroup
}

// ModelInfo describes a loaded model.
type ModelInfo struct {
	// Path is the model file.
	Path string
	// Type is whisper's name for the model size ("tiny", "base", ...).
	Type string
	// Multilingual is false for the English-only ".en" models.
	Multilingual bool
	// Backend is the ggml backend the model runs on: "CPU", "Vulkan",
	// "CUDA" (see PickDevice).
	Backend string
	// Device describes the device the model runs on, such as the GPU's
	// name or, on the CPU backend, the CPU's model name.
	Device string
}

// Load reads the model file and prepares it for transcription on the device
// PickDevice chooses for cfg (an error when cfg.GPUDevice is not there). logger
// receives whisper.cpp's own log lines; nil means slog.Default().
func Load(cfg Config, logger *slog.Logger) (*Model, error) {
	if logger == nil {
		logger = slog.Default()
	}
	whisperLog.setLogger(logger)
	installLog()

	if _, err := os.Stat(cfg.ModelPath); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModelLoad, err)
	}
	dev, err := PickDevice(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModelLoad, err)
	}
	params := C.whisper_context_default_params()
	params.use_gpu = C.bool(!cfg.DisableGPU)
	params.gpu_device = C.int(cfg.GPUDevice)
	params.flash_attn = C.bool(!cfg.DisableFlashAttn)

	path := C.CString(cfg.ModelPath)
	defer C.free(unsafe.Pointer(path))
	ctx := C.whisper_init_from_file_with_params_no_state(path, params)
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s is not a whisper ggml model or is damaged", ErrModelLoad, cfg.ModelPath)
	}
	return &Model{
		ctx: ctx,
		info: ModelInfo{
			Path:         cfg.ModelPath,
			Type:         C.GoString(C.whisper_model_type_readable(ctx)),
			Multilingual: C.whisper_is_multilingual(ctx) != 0,
			Backend:      dev.Backend,
			Device:       dev.Description,
		},
	}, nil
}

// Info describes the loaded model.
func (m *Model) Info() ModelInfo { return m.info }

// NewState allocates decoding state (KV caches and compute buffers) for one
// transcription at a time. A worker keeps its State for many jobs; close it
// when done.
func (m *Model) NewState() (*State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	st := C.whisper_init_state(m.ctx)
	if st == nil {
		return nil, fmt.Errorf("%w: whisper_init_state failed (out of memory?)", ErrTranscribe)
	}
	m.states.Add(1)
	return &State{model: m, st: st}, nil
}

// Close waits for every State to be closed, then frees the model. It is safe
// to call more than once.
func (m *Model) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	m.states.Wait()
	C.whisper_free(m.ctx)
	m.ctx = nil
	return nil
}
