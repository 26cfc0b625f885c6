package server

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthz is the liveness probe: the process is up and serving HTTP.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is the readiness probe: the store answers and the model is loaded.
func (s *Server) readyz(c echo.Context) error {
	if _, err := s.store.CountKeys(); err != nil {
		s.log.Warn("not ready: store", "err", err)
		return apiErr(CodeUnavailable, "store unavailable")
	}
	if err := s.ready(); err != nil {
		return apiErr(CodeUnavailable, "not ready: %v", err)
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

//go:embed openapi.yaml
var openapiDoc []byte

// openapi serves the OpenAPI 3 document of this API.
func (s *Server) openapi(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", openapiDoc)
}
