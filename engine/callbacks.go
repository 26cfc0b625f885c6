//go:build whisper

package engine

// #include <stdint.h>
import "C"

import (
	"runtime/cgo"
)

// goProgress is whisper's progress callback. handle is a cgo.Handle to the
// caller's progress func.
//
//export goProgress
func goProgress(handle C.uintptr_t, percent C.int) {
	if fn, ok := cgo.Handle(handle).Value().(func(int)); ok {
		fn(int(percent))
	}
}

// goLog receives whisper.cpp's and ggml's log output.
//
//export goLog
func goLog(level C.int, text *C.char) {
	whisperLog.write(int(level), C.GoString(text))
}
