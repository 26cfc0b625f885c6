package engine

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Long audio is transcribed in windows of at most Options.ChunkLength, one
// whisper pass each. whisper.cpp computes the log-mel spectrogram of its
// whole input and copies the input once more while doing so, so one pass
// over 4 hours would need about 1.4 GB on top of the samples; a window
// bounds that by its length. Each window is cut at the quietest 100 ms
// near its end, starts with the text so far as its prompt (as whisper
// carries context from one 30 s window to the next), and its times are
// offset to the window's start. Audio no longer than one window is
// transcribed exactly as before, in one pass.

// DefaultChunkLength is the window used when Options.ChunkLength is 0. Ten
// minutes keep whisper's buffers near 100 MB with few cuts.
const DefaultChunkLength = 10 * time.Minute

// MinChunkLength is the shortest Options.ChunkLength accepted.
const MinChunkLength = 5 * time.Second

const (
	// sampleRate is whisper's input rate, in Hz.
	sampleRate = 16000
	// cutFrame is the length, in samples, of the frames whose energy
	// chooses a cut (100 ms).
	cutFrame = sampleRate / 10
	// maxCutSearch bounds how far before a window's nominal end the cut
	// is looked for.
	maxCutSearch = 30 * sampleRate
	// promptBytes is how much of the text so far conditions the next
	// window: about 200 tokens, whisper's limit for past text being 224.
	promptBytes = 1000
)

// chunkSamples returns the window length in samples for the option d.
func chunkSamples(d time.Duration) int {
	if d == 0 {
		d = DefaultChunkLength
	}
	return int(d / time.Millisecond * sampleRate / 1000)
}

// cutPoint returns the end of the window that starts at start, for windows
// of n samples: len(samples) when the rest fits, else the middle of the
// quietest 100 ms frame in the last fifth of the window (at most 30 s).
func cutPoint(samples []float32, start, n int) int {
	end := start + n
	if end >= len(samples) {
		return len(samples)
	}
	search := min(n/5, maxCutSearch)
	best, bestEnergy := end, float32(-1)
	for f := end - cutFrame; f >= end-search; f -= cutFrame {
		var e float32
		for _, v := range samples[f : f+cutFrame] {
			e += v * v
		}
		// Ties go to the later frame, the longer window.
		if bestEnergy < 0 || e < bestEnergy {
			best, bestEnergy = f+cutFrame/2, e
		}
	}
	return best
}

// promptTail returns the end of text, at most promptBytes long, starting
// at a word.
func promptTail(text string) string {
	text = strings.TrimSpace(text)
	if len(text) <= promptBytes {
		return text
	}
	tail := text[len(text)-promptBytes:]
	if i := strings.IndexByte(tail, ' '); i >= 0 {
		tail = tail[i+1:]
	}
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return tail
}
