package audio

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// Info is what Probe learns about an audio file without decoding it.
type Info struct {
	// Format is the sniffed format, as in PCM.Format.
	Format string
	// Duration is the length of the audio.
	Duration time.Duration
	// SampleRate and Channels describe the source audio; 0 when unknown.
	SampleRate int
	Channels   int
}

// Probe returns the format and duration of the audio file at path, from its
// headers where they are enough: the WAV header, the FLAC STREAMINFO, the
// MP3 frame headers (read, not decoded). A FLAC file whose STREAMINFO lacks
// the length has its frame headers counted, not decoded. Other formats ask
// ffprobe, and fall back to counting the samples ffmpeg decodes, without
// keeping them, when the container has no duration; without those tools
// they fail with ErrNeedsFFmpeg.
//
// When opts.MaxDuration is set and the audio is longer, or holds more
// samples times channels than the limit pays for (8 channels at 48 kHz, or
// stereo at 192 kHz, for its whole length), Probe returns the Info and an
// error wrapping ErrTooLong; Info.Duration is then not always the full
// length. Probe's work is bounded by the file's size and the limit, and its
// memory does not grow with either. Errors are as for Decode, with Op
// "probe".
func Probe(ctx context.Context, path string, opts Options) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, &Error{Op: "probe", Err: err}
	}
	defer f.Close()
	return probe(ctx, f, path, opts)
}

// probe is Probe for r, whose file name is path or "".
func probe(ctx context.Context, r io.ReadSeeker, path string, opts Options) (info Info, err error) {
	var s sniffed
	defer func() {
		if v := recover(); v != nil {
			info, err = Info{}, panicError(v)
		}
		if err != nil {
			err = &Error{Op: "probe", Format: s.format, Err: err}
		}
	}()
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return Info{}, err
	}
	if s, err = sniff(r, size); err != nil {
		return Info{}, err
	}
	in := input{r: r, size: size, path: path, sniffed: s}
	switch {
	case s.demuxer != "":
		info, err = probeFFprobe(ctx, in, opts)
	case s.format == "wav":
		info, err = probeWAV(ctx, in, opts)
	case s.format == "mp3":
		info, err = probeMP3(ctx, in, opts)
	case s.format == "flac":
		info, err = probeFLAC(ctx, in, opts)
	}
	if err != nil {
		return Info{}, err
	}
	info.Format = s.format
	return info, checkLimit(info, opts.MaxDuration)
}

// checkLimit returns ErrTooLong when info is longer than limit, or holds
// more decoding work than limit allows (see maxFramesFor).
func checkLimit(info Info, limit time.Duration) error {
	if limit <= 0 {
		return nil
	}
	if info.Duration > limit {
		return errorf(ErrTooLong, "%v is longer than the limit of %v", info.Duration.Round(time.Millisecond), limit)
	}
	if info.SampleRate > 0 && info.Channels > 0 {
		frames := framesIn(info.Duration, info.SampleRate)
		if frames > maxFramesFor(limit, info.SampleRate, info.Channels) {
			return tooLong(frames, info.SampleRate, info.Channels, limit)
		}
	}
	return nil
}

func probeWAV(ctx context.Context, in input, opts Options) (Info, error) {
	h, err := readWAVHeader(in.r, in.size)
	if err != nil {
		return Info{}, err
	}
	if !h.supported() {
		in.demuxer = "wav"
		return probeFFprobe(ctx, in, opts)
	}
	switch {
	case h.frames() == 0 && h.truncated:
		return Info{}, errorf(ErrTruncated, "data chunk ends before its first frame")
	case h.frames() == 0:
		return Info{}, errorf(ErrNoSamples, "empty data chunk")
	}
	return Info{Duration: framesDuration(h.frames(), h.rate), SampleRate: h.rate, Channels: h.channels}, nil
}

func probeMP3(ctx context.Context, in input, opts Options) (Info, error) {
	m, err := openMP3(ctx, in, opts.MaxDuration)
	if err != nil {
		return Info{}, err
	}
	if m.frames() == 0 {
		return Info{}, errorf(ErrNoSamples, "no mp3 frames")
	}
	return Info{Duration: framesDuration(m.frames(), m.rate), SampleRate: m.rate, Channels: m.channels}, nil
}

func probeFLAC(ctx context.Context, in input, opts Options) (Info, error) {
	stream, err := openFLAC(in)
	if err != nil {
		return Info{}, err
	}
	si := stream.Info
	info := Info{SampleRate: int(si.SampleRate), Channels: int(si.NChannels)}
	frames := int64(si.NSamples)
	if frames == 0 {
		// Unknown length: count the samples in the frame headers, stopping
		// past the limit.
		frames, err = countFLACFrames(ctx, in, maxFramesFor(opts.MaxDuration, info.SampleRate, info.Channels))
		if err != nil {
			return Info{}, err
		}
	}
	if frames == 0 {
		return Info{}, errorf(ErrNoSamples, "no flac frames")
	}
	info.Duration = framesDuration(frames, info.SampleRate)
	return info, nil
}

// ffprobeOutput is the part of `ffprobe -of json` that probeFFprobe reads.
type ffprobeOutput struct {
	Streams []struct {
		SampleRate string `json:"sample_rate"`
		Channels   int    `json:"channels"`
		Duration   string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// probeFFprobe asks ffprobe for the first audio stream's duration. When the
// container does not say, it counts the samples ffmpeg decodes.
func probeFFprobe(ctx context.Context, in input, opts Options) (Info, error) {
	bin, err := lookTool(opts.FFprobePath, "ffprobe")
	if err != nil {
		return Info{}, needsFFmpeg(in.format, "ffprobe")
	}
	var out ffprobeOutput
	err = withFile(in, func(name string) error {
		src, err := ffmpegInput(name)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, bin, "-v", "error", "-f", in.demuxer, "-select_streams", "a:0",
			"-show_entries", "stream=sample_rate,channels,duration:format=duration", "-of", "json", src)
		stderr := &tailWriter{max: 4 << 10}
		cmd.Stderr = stderr
		b, err := cmd.Output()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return errorf(ErrCorrupt, "ffprobe: %v: %s", err, stderr.lastLine(src, name))
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return errorf(ErrCorrupt, "ffprobe output: %v", err)
		}
		return nil
	})
	if err != nil {
		return Info{}, err
	}
	if len(out.Streams) == 0 {
		return Info{}, errorf(ErrNoSamples, "no audio stream")
	}
	st := out.Streams[0]
	info := Info{Channels: st.Channels}
	info.SampleRate, _ = strconv.Atoi(st.SampleRate)
	d := st.Duration
	if d == "" || d == "N/A" {
		d = out.Format.Duration
	}
	if sec, err := strconv.ParseFloat(d, 64); err == nil && sec > 0 {
		info.Duration = time.Duration(min(sec*float64(time.Second), math.MaxInt64))
		return info, nil
	}
	// No duration in the container: count what ffmpeg decodes, without
	// keeping it, and stop past the limit.
	n, err := countFFmpeg(ctx, in, maxFramesFor(opts.MaxDuration, SampleRate, 1), opts)
	if err != nil {
		return Info{}, err
	}
	info.Duration = framesDuration(n, SampleRate)
	return info, nil
}
