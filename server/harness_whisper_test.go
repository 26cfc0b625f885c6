//go:build whisper

package server_test

import (
	"log/slog"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/enginetest"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/jobs"
)

// The harness's worker pool runs on the real model, which needs the
// whisper build tag; without it (harness_nomodel_test.go) the harness runs
// no pool.

// testModel is the real model, loaded once for the whole package.
func testModel(t *testing.T) *engine.Model { return enginetest.Model(t) }

// poolModel is the model the harness's pool runs on, and its
// post-processors.
func poolModel(t *testing.T, logger *slog.Logger) (jobs.Model, []jobs.Option) {
	t.Helper()
	d := &jobs.Diarizer{}
	if p := enginetest.VADModelPath(); p != "" {
		d.Speech = jobs.SileroVAD(p, 0)
	}
	post := jobs.WithPostProcessors(d, &jobs.Summarizer{S: summarize.New(summarize.Config{}, nil, logger)})
	return jobs.EngineModel(testModel(t)), []jobs.Option{post}
}
