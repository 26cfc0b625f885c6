package jobs

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/netguard"
)

// Error is a job failure with the code and the user-facing message stored
// in the job. Message is one line and never holds secrets, paths or the
// URL; Err is the detail, which is only logged.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Code + ": " + e.Message
	}
	return e.Code + ": " + e.Message + ": " + e.Err.Error()
}

// Unwrap returns the detail.
func (e *Error) Unwrap() error { return e.Err }

// internalError is the failure shown for bugs and store errors.
func internalError(err error) *Error {
	return &Error{Code: failure.Internal, Message: "internal error while processing the job", Err: err}
}

// classify turns an error from a job's stages into the failure recorded for
// it. Errors that match nothing become failure.Internal.
func (p *Pool) classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	fail := func(code, msg string) *Error { return &Error{Code: code, Message: msg, Err: err} }
	var status *netguard.StatusError
	switch {
	case errors.Is(err, netguard.ErrBlockedAddress):
		return fail(failure.URLBlocked, "the URL points to a private or reserved network address")
	case errors.Is(err, netguard.ErrScheme), errors.Is(err, netguard.ErrInvalidURL):
		return fail(failure.InvalidURL, "the URL is not a valid http or https URL")
	case errors.Is(err, netguard.ErrTooLarge):
		return fail(failure.PayloadTooLarge, fmt.Sprintf("the download is larger than the limit of %s", formatBytes(p.cfg.MaxDownloadBytes)))
	case errors.As(err, &status):
		return fail(failure.DownloadFailed, fmt.Sprintf("the URL answered HTTP %d %s", status.Code, httpStatusText(status.Code)))
	case errors.Is(err, netguard.ErrIdleTimeout):
		return fail(failure.DownloadTimeout, fmt.Sprintf("the URL sent no data for %s", formatDuration(p.cfg.DownloadIdleTimeout)))
	case errors.Is(err, netguard.ErrDownloadTimeout):
		return fail(failure.DownloadTimeout, fmt.Sprintf("the download from the URL took longer than the limit of %s", formatDuration(p.cfg.DownloadTimeout)))
	case errors.Is(err, netguard.ErrTooManyRedirects):
		return fail(failure.DownloadFailed, "the URL redirected too many times")
	case errors.Is(err, audio.ErrTooLong):
		return fail(failure.AudioTooLong, fmt.Sprintf("the audio is longer than the limit of %s", formatDuration(p.cfg.MaxAudioDuration)))
	case errors.Is(err, audio.ErrNeedsFFmpeg):
		return fail(failure.UnsupportedMedia, "this media format needs ffmpeg, which is not installed on the server; send wav, mp3 or flac")
	case errors.Is(err, audio.ErrNotAudio):
		return fail(failure.UnsupportedMedia, "the file is not a supported audio or video format")
	case errors.Is(err, audio.ErrEmpty), errors.Is(err, audio.ErrNoSamples), errors.Is(err, engine.ErrNoAudio):
		return fail(failure.EmptyAudio, "the file contains no audio")
	case errors.Is(err, audio.ErrCorrupt), errors.Is(err, audio.ErrTruncated):
		return fail(failure.InvalidAudio, "the audio file is damaged or truncated")
	case errors.Is(err, fs.ErrNotExist):
		return fail(failure.AudioMissing, "the job's audio file is missing")
	case errors.Is(err, engine.ErrInvalidOption):
		return fail(failure.InvalidOption, "invalid transcription option: "+optionDetail(err))
	}
	return internalError(err)
}

// downloadFailure classifies an error from netguard.Download: the netguard
// sentinels as classify does, anything else (connection refused, DNS, a
// reset) as failure.DownloadFailed.
func (p *Pool) downloadFailure(err error) *Error {
	if e := p.classify(err); e.Code != failure.Internal {
		return e
	}
	msg := "the audio could not be downloaded from the URL"
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		msg = "the URL's host name could not be resolved"
	case errors.As(err, &ne) && ne.Timeout():
		msg = "the download from the URL timed out"
	}
	return &Error{Code: failure.DownloadFailed, Message: msg, Err: err}
}

// optionDetail is the detail of an engine.OptionError, such as
// `unknown language "xx"`; an ErrInvalidOption without one says less.
func optionDetail(err error) string {
	if oe := (*engine.OptionError)(nil); errors.As(err, &oe) {
		return oe.Detail
	}
	return "rejected by the engine"
}

func httpStatusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "(unknown status)"
}

// formatBytes writes n in binary units: "1 GiB", "512 MiB", "1000 B".
func formatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for i < len(units)-1 && n >= 1024 && n%1024 == 0 {
		n /= 1024
		i++
	}
	return fmt.Sprintf("%d %s", n, units[i])
}

// formatDuration writes d without zero units: "4h", "90m", "1h30m", "45s".
func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
