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
	"github.com/instanttranscriber/instanttranscriber/netguard"
)

// Error codes of failed jobs (store.JobError.Code). They are part of the
// API: clients branch on them.
const (
	// CodeURLBlocked: the import URL resolves to a private or reserved
	// address.
	CodeURLBlocked = "url_blocked"
	// CodeInvalidURL: the import URL is not an absolute http(s) URL.
	CodeInvalidURL = "invalid_url"
	// CodePayloadTooLarge: the import is larger than MaxDownloadBytes.
	CodePayloadTooLarge = "payload_too_large"
	// CodeDownloadFailed: the import URL answered outside 2xx, redirected
	// too often, or could not be reached.
	CodeDownloadFailed = "download_failed"
	// CodeDownloadTimeout: the import URL paused sending for longer than
	// DownloadIdleTimeout, or the download took longer than DownloadTimeout.
	CodeDownloadTimeout = "download_timeout"
	// CodeQuotaExceeded: the imported audio would take the API key over
	// its monthly quota.
	CodeQuotaExceeded = "quota_exceeded"
	// CodeAudioTooLong: the audio is longer than MaxAudioDuration.
	CodeAudioTooLong = "audio_too_long"
	// CodeUnsupportedMedia: not an audio or video file, or a format that
	// needs ffmpeg, which is not installed.
	CodeUnsupportedMedia = "unsupported_media"
	// CodeEmptyAudio: the file has no bytes, or no audio samples.
	CodeEmptyAudio = "empty_audio"
	// CodeInvalidAudio: the file is damaged or truncated.
	CodeInvalidAudio = "invalid_audio"
	// CodeAudioMissing: the job's audio file does not exist.
	CodeAudioMissing = "audio_missing"
	// CodeInvalidOption: whisper refused an option, such as an unknown
	// language.
	CodeInvalidOption = "invalid_option"
	// CodePostProcessing: a post-processor failed.
	CodePostProcessing = "post_processing_failed"
	// CodeInternal: anything else, including a panic; details are logged.
	CodeInternal = "internal_error"
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
	return &Error{Code: CodeInternal, Message: "internal error while processing the job", Err: err}
}

// classify turns an error from a job's stages into the failure recorded for
// it. Errors that match nothing become CodeInternal.
func (p *Pool) classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	fail := func(code, msg string) *Error { return &Error{Code: code, Message: msg, Err: err} }
	var status *netguard.StatusError
	switch {
	case errors.Is(err, netguard.ErrBlockedAddress):
		return fail(CodeURLBlocked, "the URL points to a private or reserved network address")
	case errors.Is(err, netguard.ErrScheme), errors.Is(err, netguard.ErrInvalidURL):
		return fail(CodeInvalidURL, "the URL is not a valid http or https URL")
	case errors.Is(err, netguard.ErrTooLarge):
		return fail(CodePayloadTooLarge, fmt.Sprintf("the download is larger than the limit of %s", formatBytes(p.cfg.MaxDownloadBytes)))
	case errors.As(err, &status):
		return fail(CodeDownloadFailed, fmt.Sprintf("the URL answered HTTP %d %s", status.Code, httpStatusText(status.Code)))
	case errors.Is(err, netguard.ErrIdleTimeout):
		return fail(CodeDownloadTimeout, fmt.Sprintf("the URL sent no data for %s", formatDuration(p.cfg.DownloadIdleTimeout)))
	case errors.Is(err, netguard.ErrDownloadTimeout):
		return fail(CodeDownloadTimeout, fmt.Sprintf("the download from the URL took longer than the limit of %s", formatDuration(p.cfg.DownloadTimeout)))
	case errors.Is(err, netguard.ErrTooManyRedirects):
		return fail(CodeDownloadFailed, "the URL redirected too many times")
	case errors.Is(err, audio.ErrTooLong):
		return fail(CodeAudioTooLong, fmt.Sprintf("the audio is longer than the limit of %s", formatDuration(p.cfg.MaxAudioDuration)))
	case errors.Is(err, audio.ErrNeedsFFmpeg):
		return fail(CodeUnsupportedMedia, "this media format needs ffmpeg, which is not installed on the server; send wav, mp3 or flac")
	case errors.Is(err, audio.ErrNotAudio):
		return fail(CodeUnsupportedMedia, "the file is not a supported audio or video format")
	case errors.Is(err, audio.ErrEmpty), errors.Is(err, audio.ErrNoSamples), errors.Is(err, engine.ErrNoAudio):
		return fail(CodeEmptyAudio, "the file contains no audio")
	case errors.Is(err, audio.ErrCorrupt), errors.Is(err, audio.ErrTruncated):
		return fail(CodeInvalidAudio, "the audio file is damaged or truncated")
	case errors.Is(err, fs.ErrNotExist):
		return fail(CodeAudioMissing, "the job's audio file is missing")
	case errors.Is(err, engine.ErrInvalidOption):
		return fail(CodeInvalidOption, "invalid transcription option: "+optionDetail(err))
	}
	return internalError(err)
}

// downloadFailure classifies an error from netguard.Download: the netguard
// sentinels as classify does, anything else (connection refused, DNS, a
// reset) as CodeDownloadFailed.
func (p *Pool) downloadFailure(err error) *Error {
	if e := p.classify(err); e.Code != CodeInternal {
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
	return &Error{Code: CodeDownloadFailed, Message: msg, Err: err}
}

// optionDetail is what follows the engine's sentinel in an ErrInvalidOption
// error, such as `unknown language "xx"`.
func optionDetail(err error) string {
	s := err.Error()
	prefix := engine.ErrInvalidOption.Error() + ": "
	if i := strings.Index(s, prefix); i >= 0 {
		return s[i+len(prefix):]
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
