package server

import (
	"context"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"
)

// errProbeBusy means no probe slot freed up within Config.ProbeWait.
var errProbeBusy = errors.New("no probe slot free")

// probeLimiter bounds how many uploads are probed at once. Probing runs
// in the create request, before the queue and quota checks, and may run
// ffprobe or ffmpeg; its cost per file is bounded by the audio package,
// and this bounds how many run together.
type probeLimiter struct {
	slots chan struct{}
	wait  time.Duration
}

// newProbeLimiter returns a limiter of n slots (at least 1) that waits at
// most wait for one.
func newProbeLimiter(n int, wait time.Duration) *probeLimiter {
	return &probeLimiter{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// acquire takes a slot, waiting at most l.wait, and returns the function
// that gives it back. It fails with errProbeBusy when no slot frees up in
// time, or with ctx's error when ctx ends first.
func (l *probeLimiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return l.release, nil
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return l.release, nil
	case <-t.C:
		return nil, errProbeBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *probeLimiter) release() { <-l.slots }

// probeUpload measures the upload at path, holding a probe slot while it
// does, and maps failures to API errors.
func (s *Server) probeUpload(c echo.Context, path string) (audio.Info, error) {
	ctx := c.Request().Context()
	release, err := s.probes.acquire(ctx)
	if errors.Is(err, errProbeBusy) {
		return audio.Info{}, &apiError{
			Code:       CodeUnavailable,
			Message:    "the server is busy measuring other uploads; retry later",
			RetryAfter: max(1, int(math.Ceil(s.cfg.ProbeWait.Seconds()))),
		}
	}
	if err != nil {
		return audio.Info{}, err
	}
	defer release()
	info, err := audio.Probe(ctx, path, audio.Options{MaxDuration: s.cfg.MaxAudioDuration})
	if err != nil {
		return info, s.probeError(c, err, info, path)
	}
	return info, nil
}

// probeError maps an audio probe failure to an API error. Errors about the
// file's content carry the audio package's message, which never names a
// file; any other error (reading the saved upload, starting ffprobe) is
// logged, without the upload's path, and answered with a generic 500.
func (s *Server) probeError(c echo.Context, err error, info audio.Info, path string) error {
	limit := s.cfg.MaxAudioDuration
	switch {
	case errors.Is(err, audio.ErrTooLong) && info.Duration > 0 && info.Duration <= limit:
		return apiErr(CodeAudioTooLong, "%d channels at %d Hz are more decoding work than the %s limit allows: "+
			"it pays for 8 channels at 48 kHz, or stereo at 192 kHz, for its whole length", info.Channels, info.SampleRate, limit)
	case errors.Is(err, audio.ErrTooLong):
		return apiErr(CodeAudioTooLong, "the audio is longer than the %s limit", limit)
	case errors.Is(err, audio.ErrNotAudio), errors.Is(err, audio.ErrNeedsFFmpeg):
		return apiErr(CodeUnsupportedMedia, "%v", err)
	case errors.Is(err, audio.ErrEmpty), errors.Is(err, audio.ErrNoSamples):
		return apiErr(CodeInvalidAudio, "the file has no audio samples")
	case errors.Is(err, audio.ErrCorrupt), errors.Is(err, audio.ErrTruncated):
		return apiErr(CodeInvalidAudio, "%v", err)
	case errors.Is(err, context.Canceled):
		return err
	}
	detail := err.Error()
	if path != "" {
		detail = strings.ReplaceAll(detail, path, "<upload>")
	}
	s.logger(c).Error("probe upload", "err", detail)
	return apiErr(CodeInternal, "could not read the uploaded audio")
}
