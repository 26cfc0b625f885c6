package diarize

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Turn is a span of speech by one speaker. Speakers are numbered from 0 in
// order of first appearance.
type Turn struct {
	Start, End time.Duration
	Speaker    int
}

// Duration returns the length of the turn.
func (t Turn) Duration() time.Duration { return t.End - t.Start }

// Diarize finds who speaks when in samples, 16 kHz mono audio. speech gives
// the speech regions, from a VAD; nil runs EnergyVAD, while an empty non-nil
// slice means there is no speech and returns no turns. Turns lie inside the
// speech regions, in order, and do not overlap. See the package
// documentation for the method.
func Diarize(ctx context.Context, samples []float32, speech []Region, opts Options) ([]Turn, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if speech == nil {
		speech = energyVAD(samples, newSweep(opts.Release, len(samples)))
	}
	total := time.Duration(len(samples)) * time.Second / sampleRate
	speech = cleanRegions(speech, total)
	if len(speech) == 0 {
		return nil, nil
	}
	fs := layout(samples, speech)
	wins := fs.windows(winFrames, winHop)
	if len(wins) == 0 {
		return nil, nil
	}
	full := fullWindows(wins)
	fs.planSupervectors(len(wins), full)
	// Two passes over the samples of the speech regions: the gate needs
	// the energy of every frame before any frame is pooled.
	gate, err := fs.gate(ctx, samples, newSweep(opts.Release, len(samples)))
	if err != nil {
		return nil, err
	}
	cues := slices.Clone(opts.ChangePoints)
	slices.Sort(cues)
	emb, blocks, err := fs.analyse(ctx, samples, speech, wins, gate, cues, chunkFrames, newSweep(opts.Release, len(samples)))
	if err != nil {
		return nil, err
	}
	normalize(emb, full)
	var seg segmentation
	if fs.sv != nil {
		seg, err = spectralSegment(ctx, fs, emb, wins, blocks, opts)
	} else {
		seg, err = segmentSpeakers(ctx, emb, full, wins, blocks, opts)
	}
	if err != nil {
		return nil, err
	}
	return blockTurns(blocks, seg.labels, opts.MinTurn), nil
}

// cleanRegions returns the regions clamped to [0, total], sorted, with
// empty ones dropped and overlapping ones merged.
func cleanRegions(speech []Region, total time.Duration) []Region {
	out := make([]Region, 0, len(speech))
	for _, r := range speech {
		r.Start, r.End = max(r.Start, 0), min(r.End, total)
		if r.End > r.Start {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Region) int { return cmp.Compare(a.Start, b.Start) })
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && r.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, r.End)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}
