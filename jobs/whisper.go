//go:build whisper

package jobs

import (
	"context"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
)

// The whisper engine, wired to the interfaces the pool uses
// (transcriber.go). Only this file names the engine's cgo types.

var (
	_ Transcriber = (*engine.State)(nil)
	_ Model       = engineModel{}
	_ Models      = engineModels{}
)

// EngineModel is m as a Model: its Transcribers are engine.States.
func EngineModel(m *engine.Model) Model { return engineModel{m} }

type engineModel struct{ m *engine.Model }

func (e engineModel) NewTranscriber() (Transcriber, error) {
	s, err := e.m.NewState()
	if err != nil {
		// Not a typed nil in a non-nil interface.
		return nil, err
	}
	return s, nil
}

// EngineModels is r as Models; nil when r is nil, so that every job runs
// on the pool's model.
func EngineModels(r *engine.Registry) Models {
	if r == nil {
		return nil
	}
	return engineModels{r}
}

type engineModels struct{ r *engine.Registry }

func (e engineModels) Default() string { return e.r.Default() }

func (e engineModels) Acquire(ctx context.Context, name string) (Model, func(), error) {
	m, release, err := e.r.Acquire(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	return engineModel{m}, release, nil
}

// SileroVAD finds speech with the Silero VAD model at modelPath, on
// threads threads.
func SileroVAD(modelPath string, threads int) SpeechFinder {
	return func(samples []float32) ([]diarize.Region, error) {
		spans, err := engine.DetectSpeech(modelPath, samples, threads)
		if err != nil {
			return nil, err
		}
		regions := make([]diarize.Region, len(spans))
		for i, s := range spans {
			regions[i] = diarize.Region{Start: s.Start, End: s.End}
		}
		return regions, nil
	}
}
