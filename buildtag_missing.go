//go:build !whisper

package main

// This file is compiled only when the "whisper" build tag is missing, which
// means the build did not go through the Makefile. The undefined identifier
// below makes the compiler print the instruction.
var _ = build_with_make__run_make_build__go_build_lacks_the_whisper_cpp_cgo_flags
