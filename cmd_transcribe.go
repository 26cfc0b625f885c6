package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/instanttranscriber/instanttranscriber/config"
	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/engine/export"
)

// runTranscribe transcribes one file and writes the transcript to stdout.
func runTranscribe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("transcribe", "transcribe FILE [flags]", stderr)
	// The defaults are serve's: config.Default, whose model files are
	// relative to the working directory (make run and make test run from
	// the repository root).
	def := config.Default()
	var (
		modelPath   = fs.String("model", envOr("INSTANTTRANSCRIBER_MODEL", def.Engine.ModelPath), "whisper ggml model file")
		language    = fs.String("language", "auto", `spoken language as an ISO 639-1 code ("en"), or "auto" to detect it`)
		translate   = fs.Bool("translate", false, "translate the speech into English")
		format      = fs.String("format", "txt", "output format: txt, srt, vtt or json")
		threads     = fs.Int("threads", 0, fmt.Sprintf("CPU threads (0 = %d on this machine)", engine.DefaultThreads()))
		beam        = fs.Int("beam", def.Worker.BeamSize, "beam size; 1 selects greedy decoding")
		bestOf      = fs.Int("best-of", def.Worker.BestOf, "candidates when greedy decoding falls back to sampling")
		prompt      = fs.String("prompt", "", "initial prompt: names and spellings the audio likely contains")
		vad         = fs.Bool("vad", false, "skip silence with the Silero voice activity detector")
		vadModel    = fs.String("vad-model", def.Engine.VADModelPath, "Silero VAD ggml model, used with --vad")
		tdrz        = fs.Bool("tdrz", false, "mark speaker turns (needs a tinydiarize model such as small.en-tdrz)")
		maxDuration = fs.Duration("max-duration", 0, "refuse audio longer than this (0 = no limit)")
		chunkLength = fs.Duration("chunk-length", def.Worker.ChunkLength, "transcribe longer audio in windows of this length, cut at pauses")
		verbose     = fs.Bool("verbose", false, "log whisper.cpp's own output to stderr")
		noGPU       = fs.Bool("no-gpu", false, "keep whisper on the CPU in a GPU build (engine.disable_gpu)")
		gpuDevice   = fs.Int("gpu-device", 0, "which GPU, when there are several (engine.gpu_device)")
	)
	pos, err := parseArgs(fs, args, 1, "transcribe takes exactly one FILE")
	if err != nil {
		return err
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		fmt.Fprintf(stderr, "instanttranscriber: %v\n", err)
		return errUsage
	}
	path := pos[0]

	// The samples go to a mapped temporary file, so a long recording costs
	// page cache rather than heap.
	pcm, err := audio.DecodeFileTo(ctx, path, "", audio.Options{MaxDuration: *maxDuration})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer pcm.Close()

	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	model, err := engine.Load(engine.Config{ModelPath: *modelPath, DisableGPU: *noGPU, GPUDevice: *gpuDevice}, logger)
	if err != nil {
		return fmt.Errorf("%w (run make model, or pass --model)", err)
	}
	defer model.Close()

	opts := engine.Options{
		Language:      *language,
		Translate:     *translate,
		BeamSize:      *beam,
		BestOf:        *bestOf,
		Threads:       *threads,
		InitialPrompt: *prompt,
		VAD:           *vad,
		TinyDiarize:   *tdrz,
		ChunkLength:   *chunkLength,
		Release:       pcm.Release,
		// Word timings drive caption splitting and the json words; plain
		// text does not need them.
		TokenTimestamps: f != export.TXT,
	}
	if *vad {
		opts.VADModelPath = *vadModel
	}
	if isTerminal(stderr) {
		bar := progressbar.NewOptions(100,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription(fmt.Sprintf("transcribing %s (%s)", path, pcm.Duration().Round(time.Second))),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
		opts.Progress = func(p int) { _ = bar.Set(p) }
		defer bar.Finish()
	}
	t, err := model.Transcribe(ctx, pcm.Samples, opts)
	if err != nil {
		return err
	}
	return export.Write(stdout, t, f, export.CaptionOptions{})
}

// isTerminal reports whether w is a terminal, where a progress bar belongs.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
