//go:build !whisper

package server_test

import (
	"log/slog"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/jobs"
)

// poolModel is nil without the whisper build tag: there is no model to
// load, so the harness starts no worker pool and every job stays queued.
// The tests that need a transcript carry the tag.
func poolModel(*testing.T, *slog.Logger) (jobs.Model, []jobs.Option) { return nil, nil }
