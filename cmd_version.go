package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// runVersion prints the program version, the whisper.cpp version and
// whisper.cpp's system info (CPU features and backends).
func runVersion(stdout io.Writer) error {
	fmt.Fprintf(stdout, "instanttranscriber %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "whisper.cpp %s\n", engine.Version())
	fmt.Fprintf(stdout, "system info: %s\n", engine.SystemInfo())
	return nil
}
