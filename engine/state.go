//go:build whisper

package engine

/*
#include <stdlib.h>
#include <whisper.h>
*/
import "C"

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// State is whisper's decoding state for one transcription at a time. A
// State is not meant to be shared: each worker owns one. Calls on the same
// State are serialized.
type State struct {
	model *Model
	mu    sync.Mutex
	st    *C.struct_whisper_state

	// vad is the Silero VAD context for vadPath, made on first use.
	vad     *C.struct_whisper_vad_context
	vadPath string
}

// Close frees the state. It is safe to call more than once.
func (s *State) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == nil {
		return nil
	}
	C.whisper_free_state(s.st)
	s.st = nil
	s.freeVAD()
	s.model.states.Done()
	return nil
}

// Transcribe runs whisper on 16 kHz mono samples (see package audio) and
// returns the transcript. Audio longer than Options.ChunkLength is
// transcribed window by window (chunk.go). When ctx is cancelled, whisper
// aborts and the error wraps ctx.Err().
func (s *State) Transcribe(ctx context.Context, samples []float32, opts Options) (*transcript.Transcript, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if len(samples) == 0 {
		return nil, ErrNoAudio
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("engine: transcribe: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == nil {
		return nil, ErrClosed
	}

	var progress func(int)
	if opts.Progress != nil {
		last := -1
		progress = func(pct int) {
			// whisper can repeat a value; report each step once.
			pct = max(0, min(pct, 100))
			if pct > last {
				last = pct
				opts.Progress(pct)
			}
		}
		progress(0)
	}
	var (
		t   *transcript.Transcript
		err error
	)
	if n := chunkSamples(opts.ChunkLength); len(samples) > n {
		t, err = s.transcribeChunks(ctx, samples, opts, n, progress)
	} else {
		t, err = s.transcribeWindow(ctx, samples, opts, progress)
		if err == nil && opts.Release != nil {
			opts.Release(0, len(samples))
		}
	}
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(100)
	}
	return t, nil
}

// transcribeChunks transcribes samples in windows of at most n samples and
// joins the results.
func (s *State) transcribeChunks(ctx context.Context, samples []float32, opts Options, n int, progress func(int)) (*transcript.Transcript, error) {
	total := len(samples)
	out := &transcript.Transcript{Duration: time.Duration(total) * time.Second / C.WHISPER_SAMPLE_RATE}
	var texts []string
	w := opts
	for start := 0; start < total; {
		end := cutPoint(samples, start, n)
		var wp func(int)
		if progress != nil {
			wp = func(pct int) {
				progress(int((int64(start)*100 + int64(end-start)*int64(pct)) / int64(total)))
			}
		}
		t, err := s.transcribeWindow(ctx, samples[start:end], w, wp)
		if err != nil {
			return nil, err
		}
		if opts.Release != nil {
			opts.Release(start, end)
		}
		if out.Language == "" && t.Language != "" {
			out.Language = t.Language
			// Keep the language found in the first window with speech
			// rather than detecting it again in every window.
			w.Language = t.Language
		}
		offset := time.Duration(start) * time.Second / C.WHISPER_SAMPLE_RATE
		t.MapTimes(func(d time.Duration) time.Duration { return d + offset })
		out.Segments = append(out.Segments, t.Segments...)
		if t.Text != "" {
			texts = append(texts, t.Text)
			w.InitialPrompt = promptTail(w.InitialPrompt + " " + t.Text)
		}
		start = end
	}
	out.Text = strings.Join(texts, " ")
	return out, nil
}

// transcribeWindow runs one whisper pass over samples. progress, when not
// nil, receives whisper's progress through the pass. s.mu must be held.
func (s *State) transcribeWindow(ctx context.Context, samples []float32, opts Options, progress func(int)) (*transcript.Transcript, error) {
	wctx := s.model.ctx

	var cstrs []*C.char
	cstr := func(v string) *C.char {
		p := C.CString(v)
		cstrs = append(cstrs, p)
		return p
	}
	defer func() {
		for _, p := range cstrs {
			C.free(unsafe.Pointer(p))
		}
	}()

	strategy := C.enum_whisper_sampling_strategy(C.WHISPER_SAMPLING_GREEDY)
	if opts.BeamSize > 1 {
		strategy = C.WHISPER_SAMPLING_BEAM_SEARCH
	}
	p := C.whisper_full_default_params(strategy)
	threads := opts.Threads
	if threads == 0 {
		threads = DefaultThreads()
	}
	p.n_threads = C.int(threads)
	p.translate = C.bool(opts.Translate)
	p.print_progress = false
	p.print_realtime = false
	p.print_timestamps = false
	p.print_special = false
	p.token_timestamps = C.bool(opts.TokenTimestamps)
	p.tdrz_enable = C.bool(opts.TinyDiarize)
	if opts.BeamSize > 1 {
		p.beam_search.beam_size = C.int(opts.BeamSize)
	}
	if opts.BestOf > 0 {
		p.greedy.best_of = C.int(opts.BestOf)
	}

	lang := strings.ToLower(strings.TrimSpace(opts.Language))
	if lang == "" {
		lang = "auto"
	}
	if lang == "auto" {
		p.language = cstr("auto")
	} else {
		cl := cstr(lang)
		if C.whisper_lang_id(cl) < 0 {
			return nil, invalidOption("unknown language %q", opts.Language)
		}
		p.language = cl
	}
	if prompt := s.model.fitPrompt(opts.InitialPrompt, opts.Vocabulary); prompt != "" {
		p.initial_prompt = cstr(prompt)
	}

	duration := time.Duration(len(samples)) * time.Second / C.WHISPER_SAMPLE_RATE
	var tm timeMap
	if opts.VAD {
		spans, err := s.speech(samples, opts.VADModelPath, threads)
		if err != nil {
			return nil, err
		}
		if len(spans) == 0 {
			t := &transcript.Transcript{Duration: duration}
			if lang != "auto" {
				t.Language = lang
			}
			return t, nil
		}
		samples, tm = compact(samples, spans)
	}
	if len(samples) < minSamples {
		// whisper refuses input under 100 ms; pad very short clips with
		// silence rather than fail them.
		padded := make([]float32, minSamples)
		copy(padded, samples)
		samples = padded
	}
	rc := runFull(ctx, wctx, s.st, &p, samples, progress)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("engine: transcribe: %w", err)
	}
	if rc != 0 {
		return nil, fmt.Errorf("%w: whisper_full returned %d", ErrTranscribe, rc)
	}
	t := s.collect(opts.TokenTimestamps)
	t.Duration = duration
	t.MapTimes(func(d time.Duration) time.Duration {
		if tm != nil {
			d = tm.original(d)
		}
		// whisper can place an end past the audio (padding, the last
		// window); keep every time inside it.
		return min(d, duration)
	})
	return t, nil
}

// minSamples is the shortest input handed to whisper: 1 s at 16 kHz.
const minSamples = C.WHISPER_SAMPLE_RATE

// centis converts whisper's timestamps (10 ms units) to a Duration.
func centis(v C.int64_t) time.Duration { return time.Duration(v) * 10 * time.Millisecond }

// collect copies the result out of the whisper state.
func (s *State) collect(words bool) *transcript.Transcript {
	wctx := s.model.ctx
	t := &transcript.Transcript{
		Language: C.GoString(C.whisper_lang_str(C.whisper_full_lang_id_from_state(s.st))),
	}
	eot := C.whisper_token_eot(wctx)
	n := int(C.whisper_full_n_segments_from_state(s.st))
	texts := make([]string, 0, n)
	for i := range n {
		ci := C.int(i)
		seg := transcript.Segment{
			Start:           centis(C.whisper_full_get_segment_t0_from_state(s.st, ci)),
			End:             centis(C.whisper_full_get_segment_t1_from_state(s.st, ci)),
			Text:            cleanText(C.GoString(C.whisper_full_get_segment_text_from_state(s.st, ci))),
			SpeakerTurnNext: bool(C.whisper_full_get_segment_speaker_turn_next_from_state(s.st, ci)),
		}
		if words {
			seg.Words = s.words(ci, eot)
		}
		if seg.Text != "" {
			texts = append(texts, seg.Text)
		}
		t.Segments = append(t.Segments, seg)
	}
	t.Text = strings.Join(texts, " ")
	return t
}

// words groups a segment's text tokens into words. A token that starts with
// a space starts a new word; others (word pieces, punctuation) extend the
// current one. Special and timestamp tokens (id >= EOT) are skipped.
func (s *State) words(seg C.int, eot C.whisper_token) []transcript.Word {
	var (
		out   []transcript.Word
		cur   []byte
		w     transcript.Word
		probs float32
		count int
	)
	flush := func() {
		text := cleanText(string(cur))
		if text != "" && count > 0 {
			w.Text = text
			w.Probability = probs / float32(count)
			out = append(out, w)
		}
		cur, probs, count = cur[:0], 0, 0
	}
	nt := int(C.whisper_full_n_tokens_from_state(s.st, seg))
	for j := range nt {
		cj := C.int(j)
		data := C.whisper_full_get_token_data_from_state(s.st, seg, cj)
		if data.id >= eot {
			continue
		}
		text := C.GoString(C.whisper_full_get_token_text_from_state(s.model.ctx, s.st, seg, cj))
		if strings.HasPrefix(text, " ") && len(cur) > 0 {
			flush()
		}
		if count == 0 {
			w.Start = centis(data.t0)
		}
		w.End = centis(data.t1)
		cur = append(cur, text...)
		probs += float32(data.p)
		count++
	}
	flush()
	return out
}

// cleanText trims whitespace and replaces invalid UTF-8, which whisper can
// produce when a multi-byte character is split across tokens.
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return s
}
