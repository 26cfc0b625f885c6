package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Diarization and summaries, adapted to the PostProcessor interface. They
// run after transcription and before the job is finished, so the
// completion callback carries their results.

// Stages reported while the post-processors run.
const (
	StageDiarizing   = "diarizing"
	StageSummarizing = "summarizing"
)

// Diarizer labels each word and segment with its speaker.
type Diarizer struct {
	// Speech finds the speech (SileroVAD); nil uses the energy detector.
	Speech SpeechFinder
	// Logger receives fallbacks; nil discards.
	Logger *slog.Logger
}

// Name implements worker.PostProcessor.
func (d *Diarizer) Name() string { return "diarization" }

// Stage implements worker.PostProcessor: jobs with speaker_labels.
func (d *Diarizer) Stage(job store.Job) string {
	if job.Options.Diarize {
		return StageDiarizing
	}
	return ""
}

// Process implements worker.PostProcessor.
func (d *Diarizer) Process(ctx context.Context, job store.Job, t *transcript.Transcript, audio Audio) error {
	// tinydiarize's speaker-turn flags (only a tdrz model sets them) are
	// extra change points for both the segmentation and the labelling.
	var changes []time.Duration
	for _, s := range t.Segments {
		if s.SpeakerTurnNext {
			changes = append(changes, s.End)
		}
	}
	speech := d.speech(audio.Samples)
	turns, err := diarize.Diarize(ctx, audio.Samples, speech, diarize.Options{
		Speakers:     job.Options.SpeakersExpected,
		MinSpeakers:  job.Options.MinSpeakers,
		MaxSpeakers:  job.Options.MaxSpeakers,
		ChangePoints: changes,
		// The diarizer reads the mapped samples in order, in bounded
		// chunks, and hands back what is behind it.
		Release: audio.Release,
	})
	if err != nil {
		return err
	}
	diarize.Apply(t, turns, changes)
	return nil
}

// speech finds the speech regions with d.Speech when set; nil (without
// it, or when it fails) leaves the energy detector to Diarize.
func (d *Diarizer) speech(samples []float32) []diarize.Region {
	if d.Speech != nil {
		regions, err := d.Speech(samples)
		if err == nil {
			return regions
		}
		if d.Logger != nil {
			d.Logger.Warn("silero vad failed; using the energy detector", "err", err)
		}
	}
	// nil: the diarizer runs its energy detector itself, in bounded chunks
	// that it releases behind it.
	return nil
}

// Summarizer writes the transcript's summary.
type Summarizer struct {
	S *summarize.Summarizer
}

// Name implements worker.PostProcessor.
func (s *Summarizer) Name() string { return "summary" }

// Stage implements worker.PostProcessor: jobs with summary.
func (s *Summarizer) Stage(job store.Job) string {
	if job.Options.Summarize {
		return StageSummarizing
	}
	return ""
}

// Process implements worker.PostProcessor. An LLM failure falls back to the
// extractive summary and leaves a warning on the transcript.
func (s *Summarizer) Process(ctx context.Context, job store.Job, t *transcript.Transcript, _ Audio) error {
	sum, warnings, err := s.S.Summarize(ctx, t, job.Options.SummaryType)
	if err != nil {
		return err
	}
	t.Summary = sum
	t.Warnings = append(t.Warnings, warnings...)
	return nil
}
