package server

import (
	"bytes"
	_ "embed"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz is the liveness probe: the process is up and serving HTTP.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is the readiness probe: the store commits a write and the file
// system of the audio directory has at least MinFreeDisk bytes free. The
// model needs no check: serve loads it before the server listens. The
// answer names the backend and device the model runs on.
func (s *Server) readyz(c echo.Context) error {
	log := s.logger(c)
	if err := s.pingStore(); err != nil {
		log.Warn("not ready: store", "err", err)
		return apiErr(CodeUnavailable, "store unavailable")
	}
	if min := s.cfg.MinFreeDisk; min > 0 {
		free, err := s.freeDisk(s.cfg.AudioDir)
		if err != nil {
			log.Warn("not ready: free disk space unknown", "err", err)
			return apiErr(CodeUnavailable, "free disk space unknown")
		}
		if free < uint64(min) {
			log.Warn("not ready: low disk space", "dir", s.cfg.AudioDir, "free_bytes", free, "min_free_bytes", min)
			return apiErr(CodeUnavailable, "free disk space is below server.min_free_disk")
		}
	}
	body := map[string]string{"status": "ready"}
	if s.cfg.Backend != "" {
		body["backend"] = s.cfg.Backend
		body["device"] = s.cfg.Device
	}
	return c.JSON(http.StatusOK, body)
}

// pingStore is implemented by a store that can check that it commits
// writes; *store.Store does. It is not part of Store so that test doubles of
// Store need not implement it; without it a read is checked.
type pingStore interface {
	Ping() error
}

// pingEvery is how long a store check is reused, so that frequent probes
// do not each commit a write.
const pingEvery = time.Second

// pingCache is the latest store check.
type pingCache struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

// pingStore checks the store, at most once per pingEvery.
func (s *Server) pingStore() error {
	s.ping.mu.Lock()
	defer s.ping.mu.Unlock()
	now := s.now()
	if d := now.Sub(s.ping.at); !s.ping.at.IsZero() && d >= 0 && d < pingEvery {
		return s.ping.err
	}
	if p, ok := s.store.(pingStore); ok {
		s.ping.err = p.Ping()
	} else {
		_, s.ping.err = s.store.CountKeys()
	}
	s.ping.at = now
	return s.ping.err
}

//go:embed openapi.yaml
var openapiDoc []byte

// openapiVersionLine is info.version in openapi.yaml as committed; the
// served document carries the running program's version instead, so the
// API reference, `instanttranscriber version` and the release agree.
var openapiVersionLine = []byte("\n  version: 0.0.0-source\n")

// openapi serves the OpenAPI 3 document of this API.
func (s *Server) openapi(c echo.Context) error {
	doc := openapiDoc
	if s.cfg.Version != "" {
		doc = bytes.Replace(openapiDoc, openapiVersionLine, []byte("\n  version: "+strconv.Quote(s.cfg.Version)+"\n"), 1)
	}
	return c.Blob(http.StatusOK, "application/yaml", doc)
}
