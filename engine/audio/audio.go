package audio

import (
	"context"
	"io"
	"os"
	"time"
)

// SampleRate is the rate, in Hz, of every PCM the package returns: the
// 16 kHz that whisper expects.
const SampleRate = 16000

// Options control decoding. The zero value decodes any length and looks
// ffmpeg and ffprobe up in PATH.
type Options struct {
	// MaxDuration, when positive, rejects longer audio with ErrTooLong. It is
	// checked against the headers before decoding where they give a length,
	// and while decoding, so memory stays bounded by the limit.
	MaxDuration time.Duration
	// FFmpegPath is the ffmpeg binary used for formats other than WAV, MP3
	// and FLAC; "" looks up "ffmpeg" in PATH.
	FFmpegPath string
	// FFprobePath is the ffprobe binary Probe uses for those formats; ""
	// looks up "ffprobe" in PATH.
	FFprobePath string
}

// PCM is decoded audio, ready for whisper.
type PCM struct {
	// Samples is mono audio at SampleRate, each in [-1, 1].
	Samples []float32
	// Format is the container or stream format found by its magic bytes:
	// "wav", "mp3", "flac", "ogg", "m4a", "webm", ...
	Format string
	// SourceRate and SourceChannels describe the input before conversion.
	// They are 0 when ffmpeg decoded the input and the package could not
	// read them itself.
	SourceRate     int
	SourceChannels int
	// Truncated is set when the audio data ended before its headers said it
	// would; Samples hold the complete frames that were present.
	Truncated bool
}

// Duration returns the length of the decoded audio.
func (p *PCM) Duration() time.Duration {
	return time.Duration(len(p.Samples)) * time.Second / SampleRate
}

// DecodeFile decodes the audio file at path. See Decode.
func DecodeFile(ctx context.Context, path string, opts Options) (*PCM, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Op: "decode", Err: err}
	}
	defer f.Close()
	return decode(ctx, f, path, opts)
}

// Decode decodes the audio in r, from its start, to 16 kHz mono. The format
// is found by magic bytes: WAV, MP3 and FLAC are decoded in Go, other
// formats through ffmpeg, which needs r copied to a temporary file.
//
// Errors are *Error values that wrap one of the package's sentinel errors,
// the context's error when ctx ends first, or an I/O error from reading r.
// Decode does not panic on malformed input.
func Decode(ctx context.Context, r io.ReadSeeker, opts Options) (*PCM, error) {
	return decode(ctx, r, "", opts)
}

// decode is Decode for r, whose file name is path or "" when r is not a
// named file.
func decode(ctx context.Context, r io.ReadSeeker, path string, opts Options) (pcm *PCM, err error) {
	var s sniffed
	defer func() {
		if v := recover(); v != nil {
			pcm, err = nil, panicError(v)
		}
		if err != nil {
			err = &Error{Op: "decode", Format: s.format, Err: err}
		}
	}()
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if s, err = sniff(r, size); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in := input{r: r, size: size, path: path, sniffed: s}
	switch {
	case s.demuxer != "":
		return decodeFFmpeg(ctx, in, 0, 0, opts)
	case s.format == "wav":
		return decodeWAV(ctx, in, opts)
	case s.format == "mp3":
		return decodeMP3(ctx, in, opts)
	case s.format == "flac":
		return decodeFLAC(ctx, in, opts)
	}
	return nil, errorf(ErrNotAudio, "no decoder for %s", s.format)
}

// input is a sniffed input and where to find it.
type input struct {
	r    io.ReadSeeker
	size int64
	// path is the file's name, for ffmpeg; "" when there is none.
	path string
	sniffed
}
