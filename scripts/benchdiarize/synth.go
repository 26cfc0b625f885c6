package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strconv"
	"sync"
)

// utterance is one thing a synthetic speaker says.
type utterance struct {
	voice string // espeak-ng voice, e.g. "en+m3"
	speed int    // words per minute
	text  string
}

// synthesizer renders utterances with espeak-ng, resampled by sox to 16 kHz
// mono, and caches them in memory.
type synthesizer struct {
	mu    sync.Mutex
	cache map[utterance][]float32
}

func newSynthesizer() *synthesizer {
	return &synthesizer{cache: map[utterance][]float32{}}
}

// checkTools returns an error with an install hint when espeak-ng or sox is
// missing.
func checkTools() error {
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: install it with `apt-get install -y espeak-ng sox`", tool)
		}
	}
	return nil
}

// prepare synthesizes every utterance not yet cached, workers at a time.
func (s *synthesizer) prepare(ctx context.Context, utts []utterance, workers int) error {
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	sem := make(chan struct{}, workers)
	seen := map[utterance]bool{}
	for _, u := range utts {
		s.mu.Lock()
		_, done := s.cache[u]
		s.mu.Unlock()
		if done || seen[u] {
			continue
		}
		seen[u] = true
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			x, err := synthesize(ctx, u)
			if err != nil {
				errOnce.Do(func() { firstErr = err })
				return
			}
			s.mu.Lock()
			s.cache[u] = trimSilence(x)
			s.mu.Unlock()
		})
	}
	wg.Wait()
	return firstErr
}

// get returns a prepared utterance.
func (s *synthesizer) get(u utterance) []float32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cache[u]
}

// synthesize runs espeak-ng | sox for one utterance.
func synthesize(ctx context.Context, u utterance) ([]float32, error) {
	espeak := exec.CommandContext(ctx, "espeak-ng", "-v", u.voice, "-s", strconv.Itoa(u.speed), "--stdout", u.text)
	sox := exec.CommandContext(ctx, "sox", "-D", "-t", "wav", "-", "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-")
	pipe, err := espeak.StdoutPipe()
	if err != nil {
		return nil, err
	}
	sox.Stdin = pipe
	var out, errBuf bytes.Buffer
	sox.Stdout, sox.Stderr = &out, &errBuf
	espeak.Stderr = &errBuf
	if err := sox.Start(); err != nil {
		return nil, fmt.Errorf("sox: %w", err)
	}
	if err := espeak.Run(); err != nil {
		_ = sox.Wait()
		return nil, fmt.Errorf("espeak-ng -v %s: %w: %s", u.voice, err, errBuf.String())
	}
	if err := sox.Wait(); err != nil {
		return nil, fmt.Errorf("sox: %w: %s", err, errBuf.String())
	}
	b := out.Bytes()
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return x, nil
}

// trimSilence cuts the leading and trailing 10 ms blocks quieter than
// -50 dBFS, so an utterance's extent is its reference turn.
func trimSilence(x []float32) []float32 {
	const block = 160
	const thr = 0.00316 * 0.00316 // -50 dBFS, as a mean square
	loud := func(i int) bool {
		var s float64
		b := x[i:min(i+block, len(x))]
		for _, v := range b {
			s += float64(v) * float64(v)
		}
		return s/float64(len(b)) > thr
	}
	start, end := 0, len(x)
	for start < end && !loud(start) {
		start += block
	}
	for end > start && !loud(max(start, end-block)) {
		end -= block
	}
	return x[start:max(start, end)]
}
