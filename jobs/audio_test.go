package jobs

import (
	"os"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// TestAudioOutsideDirKept: a job whose audio lies outside AudioDir is
// processed, but its file is not deleted.
func TestAudioOutsideDirKept(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	st := newStore(t, nil)
	job := addUpload(t, st, elsewhere, store.Job{}, []byte("plain text"))
	logger, logs := newLogger(t)
	p := startPool(t, testConfig(dir), st, nil, logger)
	if got := waitFinished(t, st, job.ID); got.Status != store.Failed || got.Error.Code != failure.UnsupportedMedia {
		t.Fatalf("job = %s, %+v; want failed %s", got.Status, got.Error, failure.UnsupportedMedia)
	}
	if err := p.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(job.Source.AudioPath); err != nil {
		t.Errorf("audio outside the audio directory: %v; want it kept", err)
	}
	if logs.count("not removing audio outside the audio directory") != 1 {
		t.Error("want a warning about the file outside the audio directory")
	}
}
