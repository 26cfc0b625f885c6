// Package engine runs whisper.cpp in-process through a thin cgo layer over
// whisper.h.
//
// A Model is loaded once and shared. Each concurrent transcription runs on
// its own State (a whisper_state), through whisper_full_with_state, so any
// number of goroutines can transcribe on one loaded model at the same time.
// Cancelling the context passed to Transcribe sets a flag that whisper's
// abort callback reads, so whisper stops within one graph computation.
//
// The package needs the whisper.cpp static libraries built by the Makefile:
// build with `make build` (which sets the cgo flags and the "whisper" build
// tag), never with a bare `go build`.
//
// Pure-Go parts live in sub-packages that build without cgo: transcript (the
// result type), audio (decoding and resampling to 16 kHz mono), export
// (txt, srt, vtt and json), diarize (speaker labels) and summarize
// (summaries). Running jobs on the engine is package jobs' work.
package engine
