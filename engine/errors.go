package engine

import (
	"errors"
	"fmt"
)

// Errors returned by the engine. They are wrapped with context; test with
// errors.Is.
var (
	// ErrModelLoad means whisper.cpp could not load the model file.
	ErrModelLoad = errors.New("engine: model load failed")
	// ErrNoDevice means Config.GPUDevice names a GPU that is not there.
	ErrNoDevice = errors.New("engine: no such GPU device")
	// ErrClosed means the model was closed.
	ErrClosed = errors.New("engine: model closed")
	// ErrInvalidOption means an Options field has a value whisper rejects,
	// such as an unknown language code.
	ErrInvalidOption = errors.New("engine: invalid option")
	// ErrNoAudio means Transcribe was called with no samples.
	ErrNoAudio = errors.New("engine: no audio samples")
	// ErrTranscribe means whisper_full_with_state returned an error code.
	ErrTranscribe = errors.New("engine: transcription failed")
	// ErrUnknownModel means a model name that the Registry does not have.
	ErrUnknownModel = errors.New("engine: unknown model")
)

// OptionError is an ErrInvalidOption with a detail a user can act on, such
// as `unknown language "xx"`; it never names a server path. Test with
// errors.Is(err, ErrInvalidOption), read Detail with errors.As.
type OptionError struct {
	Detail string
}

func (e *OptionError) Error() string { return ErrInvalidOption.Error() + ": " + e.Detail }

// Unwrap returns ErrInvalidOption.
func (e *OptionError) Unwrap() error { return ErrInvalidOption }

// invalidOption returns an *OptionError with the formatted detail.
func invalidOption(format string, args ...any) error {
	return &OptionError{Detail: fmt.Sprintf(format, args...)}
}
