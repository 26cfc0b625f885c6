//go:build whisper

// Package enginetest loads the real whisper models for the tests of the
// packages that run them (engine, jobs, server), from where make model
// puts them or where make test says they are.
package enginetest

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine"
)

// The defaults are relative to a package directory one level below the
// repository root, where go test runs.
const (
	defaultModel    = "../models/ggml-tiny-q8_0.bin"
	defaultVADModel = "../models/ggml-silero-v6.2.0.bin"
)

var (
	modelOnce sync.Once
	model     *engine.Model
	modelErr  error
)

// Model loads the test model (ModelPath) once for the test binary, and fails the test
// if it cannot. It is shared: the tests do not close it.
func Model(t testing.TB) *engine.Model {
	t.Helper()
	modelOnce.Do(func() {
		model, modelErr = engine.Load(engine.Config{ModelPath: ModelPath()}, slog.New(slog.DiscardHandler))
	})
	if modelErr != nil {
		t.Fatalf("load model: %v (run make model)", modelErr)
	}
	return model
}

// ModelPath is the test model's file: $INSTANTTRANSCRIBER_TEST_MODEL, else
// models/ggml-tiny-q8_0.bin.
func ModelPath() string { return env("INSTANTTRANSCRIBER_TEST_MODEL", defaultModel) }

// VADModelPath is the Silero VAD model ($INSTANTTRANSCRIBER_TEST_VAD_MODEL,
// else models/ggml-silero-v6.2.0.bin), or "" when the file is not there:
// make model warns and goes on when it cannot fetch that optional model.
func VADModelPath() string {
	p := env("INSTANTTRANSCRIBER_TEST_VAD_MODEL", defaultVADModel)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// LinkModel gives the model file at path a second name in dir: a hard
// link, or a copy across file systems. It returns the new path.
func LinkModel(t testing.TB, path, dir, name string) string {
	t.Helper()
	dst := filepath.Join(dir, name)
	if err := os.Link(path, dst); err == nil {
		return dst
	}
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

// env is the environment variable key, or def when it is empty.
func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
