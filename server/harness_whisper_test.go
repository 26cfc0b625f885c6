//go:build whisper

package server_test

import (
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/jobs"
)

// The harness's worker pool runs on the real model, which needs the
// whisper build tag; without it (harness_nomodel_test.go) the harness runs
// no pool.

var (
	modelOnce sync.Once
	model     *engine.Model
	modelErr  error
)

// testModel loads the real model once for the package.
func testModel(t *testing.T) *engine.Model {
	t.Helper()
	modelOnce.Do(func() {
		path := os.Getenv("INSTANTTRANSCRIBER_TEST_MODEL")
		if path == "" {
			path = "../models/ggml-tiny-q8_0.bin"
		}
		model, modelErr = engine.Load(engine.Config{ModelPath: path}, slog.New(slog.DiscardHandler))
	})
	if modelErr != nil {
		t.Fatalf("load model: %v (run make model)", modelErr)
	}
	return model
}

// vadModelPath is the Silero VAD model make test provides, or "" when make
// model could not fetch that optional model: the diarizer then uses its
// energy detector, as the server does (cmd_serve.go).
func vadModelPath() string {
	p := os.Getenv("INSTANTTRANSCRIBER_TEST_VAD_MODEL")
	if p == "" {
		p = "../models/ggml-silero-v6.2.0.bin"
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// poolModel is the model the harness's pool runs on, and its
// post-processors.
func poolModel(t *testing.T, logger *slog.Logger) (jobs.Model, []jobs.Option) {
	t.Helper()
	d := &jobs.Diarizer{}
	if p := vadModelPath(); p != "" {
		d.Speech = jobs.SileroVAD(p, 0)
	}
	post := jobs.WithPostProcessors(d, &jobs.Summarizer{S: summarize.New(summarize.Config{}, nil, logger)})
	return jobs.EngineModel(testModel(t)), []jobs.Option{post}
}
