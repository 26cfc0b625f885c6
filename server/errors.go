package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Error codes of the API. Each has one HTTP status; openapi.yaml documents
// them all. The codes a failed job can also carry come from package
// failure, so that the two never drift apart.
const (
	CodeInvalidRequest      = failure.InvalidRequest
	CodeInvalidAudio        = failure.InvalidAudio
	CodeUnauthorized        = "unauthorized"
	CodeQuotaExceeded       = failure.QuotaExceeded
	CodeForbidden           = "forbidden"
	CodeNotFound            = "not_found"
	CodeMethodNotAllowed    = "method_not_allowed"
	CodeNotReady            = "not_ready"
	CodeConflict            = "conflict"
	CodePayloadTooLarge     = failure.PayloadTooLarge
	CodeAudioTooLong        = failure.AudioTooLong
	CodeUnsupportedMedia    = failure.UnsupportedMedia
	CodeIdempotencyConflict = "idempotency_conflict"
	CodeRateLimited         = "rate_limited"
	CodeInternal            = failure.Internal
	CodeUnavailable         = failure.Unavailable
	CodeInsufficientStorage = "insufficient_storage"
)

// codeStatus maps each code to its HTTP status.
var codeStatus = map[string]int{
	CodeInvalidRequest:      http.StatusBadRequest,
	CodeInvalidAudio:        http.StatusBadRequest,
	CodeUnauthorized:        http.StatusUnauthorized,
	CodeQuotaExceeded:       http.StatusPaymentRequired,
	CodeForbidden:           http.StatusForbidden,
	CodeNotFound:            http.StatusNotFound,
	CodeMethodNotAllowed:    http.StatusMethodNotAllowed,
	CodeNotReady:            http.StatusConflict,
	CodeConflict:            http.StatusConflict,
	CodePayloadTooLarge:     http.StatusRequestEntityTooLarge,
	CodeAudioTooLong:        http.StatusRequestEntityTooLarge,
	CodeUnsupportedMedia:    http.StatusUnsupportedMediaType,
	CodeIdempotencyConflict: http.StatusUnprocessableEntity,
	CodeRateLimited:         http.StatusTooManyRequests,
	CodeInternal:            http.StatusInternalServerError,
	CodeUnavailable:         http.StatusServiceUnavailable,
	CodeInsufficientStorage: http.StatusInsufficientStorage,
}

// apiError is an error with a code and a message safe to show the client.
type apiError struct {
	Code       string
	Message    string
	RetryAfter int // seconds, for rate_limited
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// apiErr returns an *apiError with a formatted message.
func apiErr(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// errLowDisk means the free space is below server.min_free_disk.
var errLowDisk = errors.New("low disk space")

// storageError is a failure to write to the server's disk, which the client
// cannot fix: a full disk, a missing or read-only audio directory, or free
// space below server.min_free_disk. It becomes a 507 insufficient_storage,
// logged at ERROR; its text leaves out the file path.
type storageError struct {
	op  string
	err error
}

func (e *storageError) Error() string {
	var (
		pe *fs.PathError
		le *os.LinkError
	)
	switch {
	case errors.As(e.err, &pe):
		return e.op + ": " + pe.Op + ": " + pe.Err.Error()
	case errors.As(e.err, &le):
		return e.op + ": " + le.Op + ": " + le.Err.Error()
	}
	return e.op + ": " + e.err.Error()
}

func (e *storageError) Unwrap() error { return e.err }

// errorBody is the one JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleError is Echo's HTTPErrorHandler: the one place errors become HTTP
// responses. Unknown errors are logged and answered with a generic 500.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := s.toAPIError(err, c)
	if ae.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(ae.RetryAfter))
	}
	status := codeStatus[ae.Code]
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message}})
}

func (s *Server) toAPIError(err error, c echo.Context) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return apiErr(CodeNotFound, "no such route: %s %s", c.Request().Method, c.Request().URL.Path)
		case http.StatusMethodNotAllowed:
			return apiErr(CodeMethodNotAllowed, "method %s not allowed here", c.Request().Method)
		case http.StatusRequestEntityTooLarge:
			return apiErr(CodePayloadTooLarge, "request body too large")
		case http.StatusUnauthorized:
			return apiErr(CodeUnauthorized, "missing or invalid api key")
		case http.StatusBadRequest:
			return apiErr(CodeInvalidRequest, "%v", he.Message)
		}
	}
	var (
		mbe *http.MaxBytesError
		qe  *store.QuotaError
		se  *storageError
	)
	switch {
	case errors.As(err, &se):
		s.logger(c).Error("storage write failed", "method", c.Request().Method, "route", c.Path(), "op", se.op, "err", se.Error())
		return apiErr(CodeInsufficientStorage, "the server could not store the upload; try again later")
	case errors.As(err, &mbe):
		return apiErr(CodePayloadTooLarge, "request body larger than %d bytes", mbe.Limit)
	case errors.Is(err, store.ErrNotFound):
		return apiErr(CodeNotFound, "not found")
	case errors.As(err, &qe):
		return quotaError(qe)
	case errors.Is(err, store.ErrQuotaExceeded):
		return apiErr(CodeQuotaExceeded, "this key's monthly audio quota would be exceeded")
	case errors.Is(err, store.ErrQueueFull):
		return &apiError{Code: CodeRateLimited, Message: "too many queued jobs for this key; retry when some finish", RetryAfter: 30}
	case errors.Is(err, store.ErrIdempotencyConflict):
		return apiErr(CodeIdempotencyConflict, "Idempotency-Key was already used with a different request")
	case errors.Is(err, store.ErrAlreadyFinished), errors.Is(err, store.ErrNotFinished):
		return apiErr(CodeConflict, "%s", "not allowed in the job's current state")
	case errors.Is(err, store.ErrUnavailable):
		s.logger(c).Warn("database unavailable", "method", c.Request().Method, "route", c.Path(), "err", err)
		return &apiError{Code: CodeUnavailable, Message: "the database is unavailable; retry later", RetryAfter: 5}
	}
	s.logger(c).Error("request failed", "method", c.Request().Method, "route", c.Path(), "err", err)
	return apiErr(CodeInternal, "internal error")
}

// quotaError explains a refused admission with the caller's own figures for
// this month.
func quotaError(qe *store.QuotaError) *apiError {
	if qe.WantSeconds == 0 {
		return apiErr(CodeQuotaExceeded, "this key's monthly audio quota of %d s is used up: %.1f s used and %.1f s reserved by queued and processing jobs",
			qe.QuotaSeconds, qe.UsedSeconds, qe.ReservedSeconds)
	}
	return apiErr(CodeQuotaExceeded, "this audio (%.1f s) would exceed this key's monthly quota of %d s: %.1f s used and %.1f s reserved by queued and processing jobs",
		qe.WantSeconds, qe.QuotaSeconds, qe.UsedSeconds, qe.ReservedSeconds)
}
