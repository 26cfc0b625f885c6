package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// runVersion prints the program version, the whisper.cpp version, whisper.cpp's
// system info (CPU features and backends), the device a model loads on by
// default (engine.gpu_device 0) and the GPU devices there are.
func runVersion(stdout io.Writer) error {
	fmt.Fprintf(stdout, "instanttranscriber %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "whisper.cpp %s\n", engine.Version())
	fmt.Fprintf(stdout, "system info: %s\n", engine.SystemInfo())
	if dev, err := engine.PickDevice(engine.Config{}); err == nil {
		fmt.Fprintf(stdout, "backend: %s\n", dev)
	}
	gpus := engine.GPUDevices()
	if len(gpus) == 0 {
		fmt.Fprintln(stdout, "gpu devices: none")
	}
	for i, g := range gpus {
		fmt.Fprintf(stdout, "gpu device %d: %s\n", i, g)
	}
	return nil
}
