package audio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// lookTool resolves the ffmpeg or ffprobe binary: configured, a path to
// check, or "" to search PATH for name.
func lookTool(configured, name string) (string, error) {
	if configured == "" {
		configured = name
	}
	return exec.LookPath(configured)
}

// withFile calls fn with the name of a file holding in: in.path when there
// is one, else a temporary copy of in.r, removed afterwards. ffmpeg needs a
// file rather than a pipe because MP4 and MOV keep their index at the end.
func withFile(in input, fn func(name string) error) error {
	if in.path != "" {
		return fn(in.path)
	}
	tmp, err := os.CreateTemp("", "audio-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := in.r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in.r); err != nil {
		return fmt.Errorf("copy to temporary file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return fn(tmp.Name())
}

// ffmpegInput is the -i argument for a file: absolute, and behind the file:
// protocol so that a name like "http://..." or "concat:..." is just a name.
func ffmpegInput(name string) (string, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", err
	}
	return "file:" + abs, nil
}

// decodeFFmpeg decodes in with ffmpeg, which converts to 16 kHz mono float.
// rate and channels describe the source when the caller knows them.
func decodeFFmpeg(ctx context.Context, in input, rate, channels int, opts Options) (*PCM, error) {
	s := newSink(ctx, SampleRate, 1, opts.MaxDuration, 0, in.size)
	err := ffmpegOutput(ctx, in, opts, func(r io.Reader) error { return readFloats(r, s) })
	if err != nil {
		return nil, err
	}
	samples := s.finish()
	if len(samples) == 0 {
		return nil, errorf(ErrNoSamples, "ffmpeg decoded no samples")
	}
	return &PCM{Samples: samples, Format: in.format, SourceRate: rate, SourceChannels: channels}, nil
}

// countFFmpeg returns how many samples at SampleRate ffmpeg decodes from
// in, without keeping them, stopping ffmpeg once the count passes limit
// when limit is positive.
func countFFmpeg(ctx context.Context, in input, limit int64, opts Options) (int64, error) {
	w := &countWriter{limit: 4 * limit}
	err := ffmpegOutput(ctx, in, opts, func(r io.Reader) error {
		if _, err := io.Copy(w, r); err != nil && !errors.Is(err, errEnough) {
			return fmt.Errorf("read ffmpeg output: %w", err)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if w.n < 4 {
		return 0, errorf(ErrNoSamples, "ffmpeg decoded no samples")
	}
	return w.n / 4, nil
}

// errEnough stops ffmpeg when its consumer has read all it needs.
var errEnough = errors.New("enough output")

// countWriter counts the bytes written to it and fails with errEnough once
// they pass limit, when limit is positive.
type countWriter struct{ n, limit int64 }

// Write implements io.Writer.
func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	if w.limit > 0 && w.n > w.limit {
		return len(p), errEnough
	}
	return len(p), nil
}

// ffmpegOutput runs ffmpeg on in, converting to 16 kHz mono float, and hands
// its output to consume as it comes. The demuxer is forced to the sniffed
// one, so ffmpeg cannot be talked into another format (an HLS playlist that
// reads other files, say). An error from consume stops ffmpeg and is
// returned, except errEnough, which ends the run without an error.
func ffmpegOutput(ctx context.Context, in input, opts Options, consume func(io.Reader) error) error {
	bin, err := lookTool(opts.FFmpegPath, "ffmpeg")
	if err != nil {
		return needsFFmpeg(in.format, "ffmpeg")
	}
	return withFile(in, func(name string) error {
		return runFFmpeg(ctx, bin, name, in, consume)
	})
}

// runFFmpeg runs ffmpeg on the file name for ffmpegOutput.
func runFFmpeg(ctx context.Context, bin, name string, in input, consume func(io.Reader) error) error {
	src, err := ffmpegInput(name)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(runCtx, bin,
		"-nostdin", "-hide_banner", "-nostats", "-loglevel", "error",
		"-f", in.demuxer, "-i", src,
		"-map", "0:a:0", "-f", "f32le", "-ac", "1", "-rematrix_maxval", "1", "-ar", strconv.Itoa(SampleRate), "-")
	stderr := &tailWriter{max: 4 << 10}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ffmpeg: %w", err)
	}
	readErr := consume(stdout)
	if readErr != nil {
		cancel()
	}
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(readErr, errEnough):
		return nil
	case readErr != nil:
		return readErr
	case waitErr != nil && strings.Contains(stderr.String(), "matches no streams"):
		return errorf(ErrNoSamples, "no audio stream")
	case waitErr != nil:
		return errorf(ErrCorrupt, "ffmpeg: %v: %s", waitErr, stderr.lastLine(src, name))
	}
	return nil
}

// readFloats feeds little-endian float32 samples from r to s until EOF.
func readFloats(r io.Reader, s *sink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	raw := make([]byte, 64<<10)
	x := make([]float32, len(raw)/4)
	for {
		n, err := io.ReadFull(br, raw)
		x = x[:n/4]
		for i := range x {
			x[i] = math.Float32frombits(le32(raw[4*i:]))
		}
		if werr := s.writeMono(x); werr != nil {
			return werr
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read ffmpeg output: %w", err)
		}
	}
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	max int
	buf []byte
}

// Write implements io.Writer.
func (w *tailWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = w.buf[over:]
	}
	return len(p), nil
}

// String returns the kept bytes.
func (w *tailWriter) String() string { return string(w.buf) }

// lastLine returns the last non-empty line, for a one-line error message,
// with the names given (the input file's) replaced by "input": error
// messages reach API clients, file paths must not.
func (w *tailWriter) lastLine(names ...string) string {
	lines := strings.Split(strings.TrimSpace(string(w.buf)), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	for _, name := range names {
		if name != "" {
			line = strings.ReplaceAll(line, name, "input")
		}
	}
	if line == "" {
		return "no message"
	}
	return line
}
