package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Config is the server's part of the configuration.
type Config struct {
	// Addr is the listen address, such as ":8080".
	Addr string
	// ShutdownTimeout bounds how long Shutdown waits for open requests.
	ShutdownTimeout time.Duration
}

// DefaultConfig returns the configuration make run uses.
func DefaultConfig() Config {
	return Config{Addr: ":8080", ShutdownTimeout: 10 * time.Second}
}

// Server is the HTTP API.
type Server struct {
	cfg    Config
	log    *slog.Logger
	echo   *echo.Echo
	http   *http.Server
	ln     net.Listener
	served chan error
}

// New builds the server and its routes. It does not listen yet.
func New(cfg Config, logger *slog.Logger) *Server {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	s := &Server{cfg: cfg, log: logger.With("component", "server"), echo: e}
	s.routes()
	return s
}

// Handler returns the root handler, for tests with httptest.
func (s *Server) Handler() http.Handler { return s.echo }

// Start listens on cfg.Addr and serves in the background.
func (s *Server) Start(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	s.ln = ln
	s.http = &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())
	return nil
}

// Addr returns the address the server listens on, once started.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Stop stops accepting connections and waits for open requests, at most
// cfg.ShutdownTimeout or until ctx ends.
func (s *Server) Stop(ctx context.Context) error {
	if s.http == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
