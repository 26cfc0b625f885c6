package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) routes() {
	s.echo.GET("/healthz", s.healthz)
}

// healthz is the liveness probe: the process is up and serving HTTP.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
