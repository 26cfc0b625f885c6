//go:build whisper

package engine

/*
#include <stdlib.h>
#include <whisper.h>
*/
import "C"

import (
	"fmt"
	"time"
	"unsafe"
)

// whisper_full_with_state ignores params.vad in whisper.cpp 1.9.1 (only
// whisper_full, on the context's single default state, runs VAD). So the
// engine runs Silero VAD itself through the public whisper_vad_* API, feeds
// whisper only the speech, and maps the result's times back (timemap.go).

// speech returns the speech spans of samples, in samples, using the State's
// VAD context for modelPath (created on first use and kept with the State).
func (s *State) speech(samples []float32, modelPath string, threads int) ([]span, error) {
	if s.vad == nil || s.vadPath != modelPath {
		s.freeVAD()
		cpath := C.CString(modelPath)
		defer C.free(unsafe.Pointer(cpath))
		params := C.whisper_vad_default_context_params()
		params.n_threads = C.int(threads)
		params.use_gpu = false
		s.vad = C.whisper_vad_init_from_file_with_params(cpath, params)
		if s.vad == nil {
			return nil, fmt.Errorf("%w: cannot load the VAD model %s", ErrInvalidOption, modelPath)
		}
		s.vadPath = modelPath
	}
	segs := C.whisper_vad_segments_from_samples(s.vad, C.whisper_vad_default_params(),
		(*C.float)(unsafe.Pointer(&samples[0])), C.int(len(samples)))
	if segs == nil {
		return nil, fmt.Errorf("%w: voice activity detection failed", ErrTranscribe)
	}
	defer C.whisper_vad_free_segments(segs)
	n := int(C.whisper_vad_segments_n_segments(segs))
	spans := make([]span, 0, n)
	for i := range n {
		// Segment times are in centiseconds.
		t0 := float64(C.whisper_vad_segments_get_segment_t0(segs, C.int(i)))
		t1 := float64(C.whisper_vad_segments_get_segment_t1(segs, C.int(i)))
		spans = append(spans, span{
			start: min(int(t0*C.WHISPER_SAMPLE_RATE/100), len(samples)),
			end:   min(int(t1*C.WHISPER_SAMPLE_RATE/100), len(samples)),
		})
	}
	return spans, nil
}

// freeVAD releases the State's VAD context, if any.
func (s *State) freeVAD() {
	if s.vad != nil {
		C.whisper_vad_free(s.vad)
		s.vad = nil
		s.vadPath = ""
	}
}

// SpeechSpan is a stretch of speech found by voice activity detection.
type SpeechSpan struct {
	Start, End time.Duration
}

// DetectSpeech runs Silero VAD (the ggml model at modelPath) over 16 kHz mono
// samples and returns the speech spans. Diarization uses it to find where to
// look for speakers. It loads the small VAD model on each call.
func DetectSpeech(modelPath string, samples []float32, threads int) ([]SpeechSpan, error) {
	if len(samples) == 0 {
		return nil, nil
	}
	if threads <= 0 {
		threads = DefaultThreads()
	}
	s := &State{}
	defer s.freeVAD()
	spans, err := s.speech(samples, modelPath, threads)
	if err != nil {
		return nil, err
	}
	out := make([]SpeechSpan, 0, len(spans))
	for _, sp := range spans {
		out = append(out, SpeechSpan{
			Start: time.Duration(sp.start) * time.Second / C.WHISPER_SAMPLE_RATE,
			End:   time.Duration(sp.end) * time.Second / C.WHISPER_SAMPLE_RATE,
		})
	}
	return out, nil
}
