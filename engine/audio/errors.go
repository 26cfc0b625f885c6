package audio

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// Sentinel errors. Every error about the input's content wraps exactly one
// of them, so callers test with errors.Is and map them to a response
// without parsing messages; the others are context and I/O errors.
var (
	// ErrEmpty means the input has no bytes at all.
	ErrEmpty = errors.New("empty input")
	// ErrTruncated means the input ends inside its headers, before any audio.
	// Audio data that merely ends early is decoded up to the last complete
	// frame instead, and PCM.Truncated is set.
	ErrTruncated = errors.New("truncated input")
	// ErrCorrupt means the input claims to be a known format but its headers
	// or data are invalid, or describe something the decoder cannot use (a
	// sample rate or sample size out of range).
	ErrCorrupt = errors.New("corrupt audio data")
	// ErrNotAudio means the input's magic bytes match no audio or video format
	// the package knows, e.g. a text file or an image.
	ErrNotAudio = errors.New("not an audio file")
	// ErrNoSamples means the headers are valid but there is no audio in it.
	ErrNoSamples = errors.New("no audio samples")
	// ErrTooLong means the audio is longer than Options.MaxDuration.
	ErrTooLong = errors.New("audio too long")
	// ErrNeedsFFmpeg means the format is only decoded through ffmpeg, and the
	// ffmpeg (or ffprobe) binary was not found.
	ErrNeedsFFmpeg = errors.New("needs ffmpeg")
)

// Error is the error returned by Decode, DecodeFile and Probe. Its message is
// one line: "audio: decode mp3: corrupt audio data: detail".
type Error struct {
	// Op is the operation that failed: "decode" or "probe".
	Op string
	// Format is the sniffed format ("wav", "ogg", ...), or "" when the input
	// was not recognised.
	Format string
	// Err wraps one of the package's sentinel errors, a context error, or
	// an I/O error from reading the input.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Format == "" {
		return "audio: " + e.Op + ": " + e.Err.Error()
	}
	return "audio: " + e.Op + " " + e.Format + ": " + e.Err.Error()
}

// Unwrap returns the wrapped error, so that errors.Is finds the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// errorf builds an error that wraps sentinel and reads "sentinel: detail".
// Error values among args are formatted with %v on purpose: only the
// package's own sentinel is part of the contract, not the decoder
// libraries' internal errors.
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}

// needsFFmpeg is the error for a format that only ffmpeg can decode.
func needsFFmpeg(format, tool string) error {
	if tool == "" {
		tool = "ffmpeg"
	}
	return fmt.Errorf("%s input %w: %s not found: install ffmpeg (apt-get install ffmpeg) or convert to wav, mp3 or flac",
		format, ErrNeedsFFmpeg, tool)
}

// panicError converts a value recovered from a panic into ErrCorrupt. It
// must be called from the deferred function that recovered; the message
// names the function that panicked, so a bug in this package can be told
// from one in a decoder library.
func panicError(v any) error {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	site, panicking := "unknown function", false
	for {
		f, more := frames.Next()
		if panicking && !strings.HasPrefix(f.Function, "runtime.") {
			site = f.Function
			break
		}
		if f.Function == "runtime.gopanic" {
			panicking = true
		}
		if !more {
			break
		}
	}
	return errorf(ErrCorrupt, "decoder panic in %s: %.200v", site, v)
}
