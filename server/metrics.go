package server

import "github.com/labstack/echo/v4"

// metricsRoute registers GET /metrics when the server has metrics and they
// have no listener of their own: behind an admin key unless MetricsOpen.
func (s *Server) metricsRoute() {
	if s.metrics == nil || s.cfg.MetricsSeparate {
		return
	}
	h := echo.WrapHandler(s.metrics.Handler())
	if s.cfg.MetricsOpen {
		s.echo.GET("/metrics", h)
		return
	}
	s.echo.GET("/metrics", h, s.authenticate, requireAdmin)
}
