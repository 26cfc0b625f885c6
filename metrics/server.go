package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Server serves GET /metrics on a listener of its own, without
// authentication: bind it to an address only the scraper can reach. Build
// it with NewServer, then Start and Stop it once.
type Server struct {
	addr    string
	handler http.Handler
	log     *slog.Logger

	http   *http.Server
	ln     net.Listener
	served chan error
}

// NewServer returns a server for h (Metrics.Handler) on addr, host:port.
// logger nil means slog.Default().
func NewServer(addr string, h http.Handler, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return &Server{addr: addr, handler: mux, log: logger.With("component", "metrics")}
}

// Start listens on the address and serves in the background.
func (s *Server) Start(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("metrics: listen: %w", err)
	}
	s.ln = ln
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(ln) }()
	s.log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}

// Addr returns the address the server listens on, once started.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Stop closes the listener and waits for open scrapes until ctx ends.
// Stopping a server that was never started does nothing.
func (s *Server) Stop(ctx context.Context) error {
	if s.http == nil {
		return nil
	}
	err := s.http.Shutdown(ctx)
	if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
