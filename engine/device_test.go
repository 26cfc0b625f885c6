//go:build whisper

package engine_test

import (
	"errors"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// TestPickDevice holds in any build: disable_gpu picks the CPU; a
// gpu_device past the GPUs there are is ErrNoDevice when there are GPUs and
// the CPU when there are none (a CPU-only build ignores it); the loaded
// model reports the device PickDevice chose.
func TestPickDevice(t *testing.T) {
	cpu, err := engine.PickDevice(engine.Config{DisableGPU: true})
	if err != nil || cpu.Backend != "CPU" || cpu.Description == "" {
		t.Fatalf("DisableGPU: %+v, %v; want the CPU backend and a description", cpu, err)
	}
	gpus := engine.GPUDevices()
	past, err := engine.PickDevice(engine.Config{GPUDevice: len(gpus)})
	switch {
	case len(gpus) == 0 && (err != nil || past != cpu):
		t.Errorf("no GPUs, GPUDevice 0: %+v, %v; want the CPU %+v", past, err, cpu)
	case len(gpus) > 0 && !errors.Is(err, engine.ErrNoDevice):
		t.Errorf("%d GPUs, GPUDevice %d: %+v, %v; want ErrNoDevice", len(gpus), len(gpus), past, err)
	}
	def, err := engine.PickDevice(engine.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if info := testModel(t).Info(); info.Backend != def.Backend || info.Device != def.Description {
		t.Errorf("model runs on %s (%s), PickDevice says %s", info.Backend, info.Device, def)
	}
}
