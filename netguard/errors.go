package netguard

import (
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrBlockedAddress is returned when a URL names, or a connection would
	// reach, an address in a blocked range (see IsBlocked). The error that
	// wraps it names the refused address.
	ErrBlockedAddress = errors.New("netguard: blocked address")

	// ErrScheme is returned for a URL whose scheme is not http or https.
	ErrScheme = errors.New("netguard: unsupported scheme")

	// ErrInvalidURL is returned for a URL that cannot be used: unparsable,
	// missing its host, carrying credentials, or with an out-of-range port.
	ErrInvalidURL = errors.New("netguard: invalid url")

	// ErrTooManyRedirects is returned when a request is redirected more than
	// Config.MaxRedirects times.
	ErrTooManyRedirects = errors.New("netguard: too many redirects")

	// ErrTooLarge is returned by Download when the response body is larger
	// than the allowed number of bytes.
	ErrTooLarge = errors.New("netguard: response body too large")

	// ErrIdleTimeout is returned by Download when the response body
	// delivers no data for Limits.IdleTimeout.
	ErrIdleTimeout = errors.New("netguard: download idle too long")

	// ErrDownloadTimeout is returned by Download when the whole download
	// takes longer than Limits.Timeout.
	ErrDownloadTimeout = errors.New("netguard: download took too long")
)

// StatusError is returned by Download when the server answers with a status
// code outside 2xx. Use errors.As to recover it.
type StatusError struct {
	// Code is the HTTP status code of the response.
	Code int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("netguard: unexpected status %d %s", e.Code, http.StatusText(e.Code))
}
