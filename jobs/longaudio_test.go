package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// samplesProcessor keeps a copy of the samples a post-processor is given.
type samplesProcessor struct{ got *[]float32 }

func (samplesProcessor) Name() string { return "samples" }

func (samplesProcessor) Stage(store.Job) string { return StagePostProcessing }

func (p samplesProcessor) Process(_ context.Context, _ store.Job, _ *transcript.Transcript, audio Audio) error {
	if audio.Release == nil {
		return errors.New("no Release for the mapped samples")
	}
	// Released pages are read again from the file: still the same samples.
	audio.Release(0, len(audio.Samples))
	*p.got = slices.Clone(audio.Samples)
	return nil
}

// TestLongAudioJob runs a job longer than the chunk length: it is
// transcribed window by window from the mapped temporary file, every window
// is heard, the post-processors see all the samples, and no temporary file
// is left in the audio directory.
func TestLongAudioJob(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	data := longWAV(t, 20*time.Second)
	job := addUpload(t, st, dir, store.Job{}, data)
	want, err := audio.DecodeFile(context.Background(), job.Source.AudioPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(dir)
	cfg.ChunkLength = 12 * time.Second
	var got []float32
	startPool(t, cfg, st, nil, nil, WithPostProcessors(samplesProcessor{got: &got}))
	done := waitFinished(t, st, job.ID)
	if done.Status != store.Completed {
		t.Fatalf("job = %s, error %+v; want completed", done.Status, done.Error)
	}
	if !slices.Equal(got, want.Samples) {
		t.Errorf("post-processor got %d samples, want the %d decoded ones", len(got), len(want.Samples))
	}
	raw, err := st.GetTranscript(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tr export.JSONTranscript
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatal(err)
	}
	// jfk.wav is 11 s: the second window starts near 11 s and holds the
	// start of the second repetition.
	if n := strings.Count(normalize(tr.Text), "and so my fellow americans"); n != 2 {
		t.Errorf("transcript %q: want the opening twice", tr.Text)
	}
	var prevEnd export.Seconds
	for _, s := range tr.Segments {
		if s.Start < prevEnd || s.End < s.Start {
			t.Errorf("segment %q at %v-%v after %v", s.Text, s.Start, s.End, prevEnd)
		}
		prevEnd = s.End
	}
	if prevEnd < 15 {
		t.Errorf("last segment ends at %v s; want the second window's times offset past 15 s", prevEnd)
	}
	if err := waitFileGone(job.Source.AudioPath); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left in the audio directory: %s", e.Name())
	}
}
