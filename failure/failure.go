// Package failure is the one table of the codes a failed job records
// (store.JobError.Code): the job runner fails jobs with them, the API shows
// them in the job object and the webhook payload, and a request that waited
// for the job (the OpenAI-compatible endpoints) answers with the API error
// that RequestCode gives. Clients branch on these codes: they are part of
// the API, documented in server/openapi.yaml.
package failure

import "github.com/instanttranscriber/instanttranscriber/store"

// Codes of failed jobs.
const (
	// URLBlocked: the import URL resolves to a private or reserved address.
	URLBlocked = "url_blocked"
	// InvalidURL: the import URL is not an absolute http(s) URL.
	InvalidURL = "invalid_url"
	// PayloadTooLarge: the import is larger than the download limit.
	PayloadTooLarge = "payload_too_large"
	// DownloadFailed: the import URL answered outside 2xx, redirected too
	// often, or could not be reached.
	DownloadFailed = "download_failed"
	// DownloadTimeout: the import URL paused sending for longer than the
	// idle timeout, or the download took longer than its limit.
	DownloadTimeout = "download_timeout"
	// QuotaExceeded: the imported audio would take the API key over its
	// monthly quota.
	QuotaExceeded = "quota_exceeded"
	// AudioTooLong: the audio is longer than the duration limit.
	AudioTooLong = "audio_too_long"
	// UnsupportedMedia: not an audio or video file, or a format that needs
	// ffmpeg, which is not installed.
	UnsupportedMedia = "unsupported_media"
	// EmptyAudio: the file has no bytes, or no audio samples.
	EmptyAudio = "empty_audio"
	// InvalidAudio: the file is damaged or truncated.
	InvalidAudio = "invalid_audio"
	// AudioMissing: the job's audio file does not exist.
	AudioMissing = "audio_missing"
	// InvalidOption: whisper refused an option, such as an unknown
	// language.
	InvalidOption = "invalid_option"
	// PostProcessing: a post-processor failed.
	PostProcessing = "post_processing_failed"
	// Interrupted: the server stopped while the job ran (recorded by the
	// store's crash recovery).
	Interrupted = store.CodeInterrupted
	// Internal: anything else, including a panic; details are logged.
	Internal = "internal_error"
)

// API error codes that failures map to without being failure codes
// themselves.
const (
	// InvalidRequest: the request, or an option in it, is not valid.
	InvalidRequest = "invalid_request"
	// Unavailable: the server cannot serve the request now.
	Unavailable = "unavailable"
)

// requestCodes maps the failures that a waiting request reports as
// something other than an internal error to that API error code.
var requestCodes = map[string]string{
	UnsupportedMedia: UnsupportedMedia,
	EmptyAudio:       InvalidAudio,
	InvalidAudio:     InvalidAudio,
	AudioTooLong:     AudioTooLong,
	InvalidOption:    InvalidRequest,
	QuotaExceeded:    QuotaExceeded,
	Interrupted:      Unavailable,
}

// RequestCode returns the API error code with which a request that waited
// for a job answers the job's failure code, and false when the failure is
// the server's (Internal: the message should then name the code).
func RequestCode(code string) (string, bool) {
	c, ok := requestCodes[code]
	if !ok {
		return Internal, false
	}
	return c, true
}

// RequestCodes returns a copy of the table RequestCode reads, for tests
// that check every entry against the API's codes.
func RequestCodes() map[string]string {
	out := make(map[string]string, len(requestCodes))
	for k, v := range requestCodes {
		out[k] = v
	}
	return out
}
