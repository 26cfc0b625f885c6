//go:build whisper

package engine

/*
#include <ggml-backend.h>

static int it_dev_is_gpu(ggml_backend_dev_t d) {
	enum ggml_backend_dev_type t = ggml_backend_dev_type(d);
	return t == GGML_BACKEND_DEVICE_TYPE_GPU || t == GGML_BACKEND_DEVICE_TYPE_IGPU;
}
static int it_dev_is_cpu(ggml_backend_dev_t d) {
	return ggml_backend_dev_type(d) == GGML_BACKEND_DEVICE_TYPE_CPU;
}
*/
import "C"

import (
	"fmt"
	"strings"
)

// Device is a compute device of the linked whisper.cpp build.
type Device struct {
	// Backend is ggml's name for the backend: "CPU", "Vulkan", "CUDA".
	Backend string
	// Name is ggml's short name of the device, such as "Vulkan0".
	Name string
	// Description names the hardware, such as "AMD Radeon RX 7600" or the
	// CPU's model name.
	Description string
}

// String is "Backend (Description)".
func (d Device) String() string { return d.Backend + " (" + d.Description + ")" }

// devices returns the GPU devices, in the order whisper.cpp counts them for
// Config.GPUDevice, and the CPU device.
func devices() (gpus []Device, cpu Device) {
	for i := C.size_t(0); i < C.ggml_backend_dev_count(); i++ {
		d := C.ggml_backend_dev_get(i)
		dev := Device{
			Backend:     C.GoString(C.ggml_backend_reg_name(C.ggml_backend_dev_backend_reg(d))),
			Name:        C.GoString(C.ggml_backend_dev_name(d)),
			Description: strings.TrimSpace(C.GoString(C.ggml_backend_dev_description(d))),
		}
		switch {
		case C.it_dev_is_gpu(d) != 0:
			gpus = append(gpus, dev)
		case C.it_dev_is_cpu(d) != 0 && cpu.Backend == "":
			cpu = dev
		}
	}
	return gpus, cpu
}

// GPUDevices lists the GPU devices whisper.cpp can use, in the order that
// Config.GPUDevice counts them. It is empty in a CPU-only build and on a
// machine without a usable GPU.
func GPUDevices() []Device {
	gpus, _ := devices()
	return gpus
}

// PickDevice returns the device Load runs the model on for cfg, choosing as
// whisper.cpp does (whisper_backend_init_gpu): the CPU when DisableGPU is
// set or there is no GPU device (a CPU-only build ignores GPUDevice), else
// GPU number GPUDevice. A GPUDevice beyond the GPUs present is an error,
// where whisper.cpp itself would fall back to the CPU without a word.
func PickDevice(cfg Config) (Device, error) {
	gpus, cpu := devices()
	if cfg.DisableGPU || len(gpus) == 0 {
		return cpu, nil
	}
	if cfg.GPUDevice < 0 || cfg.GPUDevice >= len(gpus) {
		names := make([]string, len(gpus))
		for i, g := range gpus {
			names[i] = fmt.Sprintf("%d: %s", i, g)
		}
		return Device{}, fmt.Errorf("%w: GPU device %d does not exist; there are %d (%s)",
			ErrNoDevice, cfg.GPUDevice, len(gpus), strings.Join(names, ", "))
	}
	return gpus[cfg.GPUDevice], nil
}
