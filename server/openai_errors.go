package server

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/labstack/echo/v4"
)

// paramError is an invalid_request error about one request field, which
// the OpenAI routes name in error.param.
type paramError struct {
	*apiError
	param string
}

// Unwrap returns the *apiError, so the error maps like any other.
func (e *paramError) Unwrap() error { return e.apiError }

// paramErr returns an invalid_request error about field param.
func paramErr(param, format string, args ...any) error {
	return &paramError{apiError: &apiError{Code: CodeInvalidRequest, Message: fmt.Sprintf(format, args...)}, param: param}
}

// openAIErrorBody is the error shape of the OpenAI routes: ours,
// {"error":{"code","message"}}, plus the "type" and "param" that OpenAI
// clients read.
type openAIErrorBody struct {
	Error openAIErrorDetail `json:"error"`
}

type openAIErrorDetail struct {
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
}

// openAIErrors writes the errors of the route it wraps in the OpenAI shape.
// The error is mapped by toAPIError, as handleError does; only the body
// gains type ("invalid_request_error", or "server_error" for 5xx) and param.
func (s *Server) openAIErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		ae := s.toAPIError(err, c)
		if ae.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(ae.RetryAfter))
		}
		status := codeStatus[ae.Code]
		d := openAIErrorDetail{Code: ae.Code, Message: ae.Message, Type: "invalid_request_error"}
		if status >= 500 {
			d.Type = "server_error"
		}
		var pe *paramError
		if errors.As(err, &pe) {
			d.Param = &pe.param
		}
		return c.JSON(status, openAIErrorBody{Error: d})
	}
}
