package jobs

import (
	"context"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// The pool sees the whisper engine only through the small interfaces in
// this file, so that the package, and the API above it, build and test
// without cgo. The engine's types are wired to them in whisper.go, which
// needs the "whisper" build tag.

// Transcriber is one whisper context a worker runs jobs on, one job at a
// time: an *engine.State.
type Transcriber interface {
	// Transcribe turns 16 kHz mono samples into a transcript. Cancelling
	// ctx aborts it.
	Transcribe(ctx context.Context, samples []float32, opts engine.Options) (*transcript.Transcript, error)
	// Close frees the context.
	Close() error
}

// Model opens Transcribers on one loaded model: the pool opens one per
// transcription worker when it starts. EngineModel adapts an *engine.Model.
type Model interface {
	NewTranscriber() (Transcriber, error)
}

// Models are the models a job may name (store.JobOptions.Model).
// EngineModels adapts an *engine.Registry.
type Models interface {
	// Default is the name of the model the pool was built with.
	Default() string
	// Acquire holds the model called name, loading it if needed, until
	// release is called. It fails with engine.ErrUnknownModel when no
	// such model is configured.
	Acquire(ctx context.Context, name string) (m Model, release func(), err error)
}

// SpeechFinder finds the regions of speech in 16 kHz mono samples, for
// the Diarizer. SileroVAD makes one.
type SpeechFinder func(samples []float32) ([]diarize.Region, error)
