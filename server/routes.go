package server

import (
	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/web"
)

// routes registers every endpoint. openapi.yaml documents each one, and a
// test fails when a route here is missing from it. Middleware is attached
// per route rather than through a group, so a wrong method on a known path
// is a 405 rather than a group's catch-all 404.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.yaml", s.openapi)

	// The browser UI (package web): public files; it calls the API with
	// the key the user pastes in.
	e.GET("/", func(c echo.Context) error { web.Index(c.Response(), c.Request()); return nil })
	e.GET("/assets/:file", func(c echo.Context) error {
		web.Asset(c.Response(), c.Request(), c.Param("file"))
		return nil
	})
	// The API reference: Swagger UI (embedded) over /openapi.yaml.
	e.GET("/docs", func(c echo.Context) error { web.DocsIndex(c.Response(), c.Request()); return nil })
	e.GET("/docs/:file", func(c echo.Context) error {
		web.DocsAsset(c.Response(), c.Request(), c.Param("file"))
		return nil
	})

	// Exports authenticate with the bearer key or a signed URL.
	for _, f := range export.Formats() {
		e.GET("/v1/transcriptions/:id/export"+f.Extension(), s.export(f))
	}
	e.GET("/v1/transcriptions/:id/audio", s.serveAudio)

	auth := s.authenticate
	e.POST("/v1/transcriptions", s.createTranscription, auth)
	e.GET("/v1/transcriptions", s.listTranscriptions, auth)
	e.GET("/v1/transcriptions/:id", s.getTranscription, auth)
	e.PATCH("/v1/transcriptions/:id", s.patchTranscription, auth)
	e.DELETE("/v1/transcriptions/:id", s.deleteTranscription, auth)
	e.GET("/v1/transcriptions/:id/deliveries", s.listDeliveries, auth)
	e.POST("/v1/transcriptions/:id/deliveries", s.redeliver, auth)
	e.GET("/v1/usage", s.usage, auth)

	// The OpenAI-compatible API (openai.go), with OpenAI's error fields.
	e.POST("/v1/audio/transcriptions", s.openAITranscribe(false), s.openAIErrors, auth)
	e.POST("/v1/audio/translations", s.openAITranscribe(true), s.openAIErrors, auth)
	e.GET("/v1/models", s.listModels, s.openAIErrors, auth)

	e.POST("/v1/keys", s.createKey, auth, requireAdmin)
	e.GET("/v1/keys", s.listKeys, auth, requireAdmin)
	e.DELETE("/v1/keys/:id", s.revokeKey, auth, requireAdmin)
	e.GET("/v1/admin/backup", s.backup, auth, requireAdmin)
	e.POST("/v1/admin/signing-secret/rotate", s.rotateSigning, auth, requireAdmin)
}

// Routes lists the registered routes as "METHOD /path/:param", for the
// OpenAPI coverage test and for documentation.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}
