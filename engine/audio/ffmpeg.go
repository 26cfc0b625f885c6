package audio

import (
	"bufio"
	"context"
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
// The demuxer is forced to the sniffed one, so ffmpeg cannot be talked into
// another format (an HLS playlist that reads other files, say).
// rate and channels describe the source when the caller knows them.
func decodeFFmpeg(ctx context.Context, in input, rate, channels int, opts Options) (*PCM, error) {
	bin, err := lookTool(opts.FFmpegPath, "ffmpeg")
	if err != nil {
		return nil, needsFFmpeg(in.format, "ffmpeg")
	}
	var samples []float32
	err = withFile(in, func(name string) error {
		samples, err = runFFmpeg(ctx, bin, name, in, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &PCM{Samples: samples, Format: in.format, SourceRate: rate, SourceChannels: channels}, nil
}

// runFFmpeg runs ffmpeg on the file name and reads its output as it comes,
// stopping it as soon as the output passes opts.MaxDuration.
func runFFmpeg(ctx context.Context, bin, name string, in input, opts Options) ([]float32, error) {
	src, err := ffmpegInput(name)
	if err != nil {
		return nil, err
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
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start ffmpeg: %w", err)
	}
	s := newSink(ctx, SampleRate, 1, opts.MaxDuration, 0, in.size)
	readErr := readFloats(stdout, s)
	if readErr != nil {
		cancel()
	}
	waitErr := cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case readErr != nil:
		return nil, readErr
	case waitErr != nil && strings.Contains(stderr.String(), "matches no streams"):
		return nil, errorf(ErrNoSamples, "no audio stream")
	case waitErr != nil:
		return nil, errorf(ErrCorrupt, "ffmpeg: %v: %s", waitErr, stderr.lastLine())
	}
	samples := s.finish()
	if len(samples) == 0 {
		return nil, errorf(ErrNoSamples, "ffmpeg decoded no samples")
	}
	return samples, nil
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

// lastLine returns the last non-empty line, for a one-line error message.
func (w *tailWriter) lastLine() string {
	lines := strings.Split(strings.TrimSpace(string(w.buf)), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	if line == "" {
		return "no message"
	}
	return line
}
