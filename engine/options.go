package engine

import (
	"runtime"
	"time"
)

// Config says how to load a model. It is fixed for the model's lifetime.
type Config struct {
	// ModelPath is the ggml model file (for example ggml-tiny-q8_0.bin).
	ModelPath string
	// DisableGPU keeps whisper.cpp on the CPU even when the library was
	// built with a GPU backend (make GGML_VULKAN=1, GGML_CUDA=1). A CPU-only build ignores
	// it.
	DisableGPU bool
	// GPUDevice selects the GPU when there are several, counting from 0 in
	// the order of GPUDevices; Load fails when it is not there.
	GPUDevice int
	// DisableFlashAttn turns off flash attention, which whisper.cpp enables
	// by default; it is about twice as fast on CPU too.
	DisableFlashAttn bool
}

// Options are the per-transcription decoding options. The zero value is
// valid: auto-detected language, greedy decoding, default threads.
type Options struct {
	// Language is an ISO 639-1 code such as "en", or "" / "auto" to detect
	// it. The detected language is reported in Transcript.Language.
	Language string
	// Translate makes whisper translate the speech into English.
	Translate bool
	// BeamSize > 1 selects beam search with that many beams; 0 or 1 selects
	// greedy decoding.
	BeamSize int
	// BestOf is the number of candidates for greedy decoding when whisper
	// falls back to sampling with temperature; 0 keeps whisper's default (5).
	BestOf int
	// Threads is the number of CPU threads for this transcription; 0 means
	// DefaultThreads().
	Threads int
	// InitialPrompt is text that conditions the decoder, such as names and
	// spellings the audio is likely to contain.
	InitialPrompt string
	// Vocabulary lists terms (names, jargon) put before InitialPrompt in
	// whisper's prompt. The two are trimmed together to whisper's budget
	// of n_text_ctx/2 - 1 tokens (223): terms are kept in order while
	// they fit, then the prompt loses words from its start.
	Vocabulary []string
	// TokenTimestamps computes per-word timings, reported in Segment.Words.
	TokenTimestamps bool
	// VAD enables whisper.cpp's Silero voice activity detection, which skips
	// silence. It needs VADModelPath.
	VAD bool
	// VADModelPath is the ggml Silero VAD model (ggml-silero-v6.2.0.bin).
	VADModelPath string
	// TinyDiarize enables tinydiarize speaker-turn detection. It only has an
	// effect with a tdrz model (such as ggml-small.en-tdrz.bin); the result
	// is Segment.SpeakerTurnNext.
	TinyDiarize bool
	// ChunkLength is the most audio one whisper pass sees: longer audio is
	// transcribed in windows cut at a pause near this length, each one
	// prompted with the text before it, which bounds whisper's memory
	// (about 100 MB per 10 minutes). 0 means DefaultChunkLength; otherwise
	// it must be at least MinChunkLength.
	ChunkLength time.Duration
	// Release, when set, is called with each stretch [from, to) of the
	// samples, in order, once transcription is done with it and will not
	// read it again; a caller whose samples are a file mapping can drop
	// those pages (audio.MappedPCM.Release).
	Release func(from, to int)
	// Progress, when set, is called with the progress in percent (0-100),
	// in increasing order, from the transcribing goroutine or a whisper
	// thread. It must be quick and safe for concurrent use.
	Progress func(percent int)
}

// DefaultThreads is the number of threads used when Options.Threads is 0:
// the number of CPUs, at most 4, where whisper.cpp stops gaining.
func DefaultThreads() int {
	return min(runtime.NumCPU(), 4)
}

func (o *Options) validate() error {
	if o.BeamSize < 0 || o.BeamSize > 16 {
		return invalidOption("beam size %d is outside 0-16", o.BeamSize)
	}
	if o.BestOf < 0 || o.BestOf > 16 {
		return invalidOption("best-of %d is outside 0-16", o.BestOf)
	}
	if o.Threads < 0 {
		return invalidOption("threads %d is negative", o.Threads)
	}
	if o.ChunkLength != 0 && o.ChunkLength < MinChunkLength {
		return invalidOption("chunk length %v is under %v", o.ChunkLength, MinChunkLength)
	}
	if o.VAD && o.VADModelPath == "" {
		return invalidOption("vad needs a vad model path")
	}
	return nil
}
