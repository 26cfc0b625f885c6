package server

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/metrics"
)

// HeaderRequestID carries the request ID: taken from the request when it is
// valid, generated otherwise, and always echoed in the response.
const HeaderRequestID = "X-Request-Id"

// maxRequestIDLen bounds an incoming request ID.
const maxRequestIDLen = 64

// loggerKey is the request context key of the request-scoped logger.
type loggerKey struct{}

// requestID takes the client's X-Request-Id when it is valid (1-64
// characters from A-Z a-z 0-9 - _ . :) or generates one, sets it on the
// response, and puts a logger with request_id in the request context (see
// logger).
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(HeaderRequestID)
		if !validRequestID(id) {
			id = rand.Text()
		}
		c.Response().Header().Set(HeaderRequestID, id)
		ctx := context.WithValue(req.Context(), loggerKey{}, s.log.With("request_id", id))
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// validRequestID accepts IDs that are safe to log and echo as they are.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9',
			b == '-', b == '_', b == '.', b == ':':
		default:
			return false
		}
	}
	return true
}

// logger returns the request-scoped logger (the server's logger with
// request_id), or the server's logger outside a request.
func (s *Server) logger(c echo.Context) *slog.Logger {
	if l, ok := c.Request().Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return s.log
}

// quietRoutes are probes and scrapes: logged at debug level when they
// succeed, so that they do not drown the access log.
var quietRoutes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// accessLog writes one log line per request and records the request
// metrics. It hands a handler's error to the error handler itself, so that
// the status it logs is the one sent. It logs the route template, never the
// raw path or query (which may hold a download signature), and no header.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		route := s.route(c)
		if s.metrics != nil {
			s.metrics.HTTP().ObserveRequest(route, req.Method, res.Status, elapsed)
		}
		level := slog.LevelInfo
		switch {
		case res.Status >= http.StatusInternalServerError:
			level = slog.LevelWarn
		case quietRoutes[route] && res.Status < http.StatusBadRequest:
			level = slog.LevelDebug
		}
		args := []any{
			"method", req.Method, "route", route, "status", res.Status,
			"duration", elapsed, "bytes", res.Size,
		}
		if k := keyOf(c); k.ID != "" {
			args = append(args, "key_id", k.ID)
		}
		s.logger(c).Log(req.Context(), level, "http request", args...)
		return nil
	}
}

// route is the request's route template, such as /v1/transcriptions/:id, or
// metrics.RouteUnmatched when it matched no registered path.
func (s *Server) route(c echo.Context) string {
	if p := c.Path(); s.routeSet[p] {
		return p
	}
	return metrics.RouteUnmatched
}

// routeSet lists the registered route templates.
func routeSet(e *echo.Echo) map[string]bool {
	set := map[string]bool{}
	for _, r := range e.Routes() {
		set[r.Path] = true
	}
	return set
}
