package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/metrics"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Config is the server's part of the configuration. The program fills it
// from the configuration that package config has checked and holds the
// defaults of.
type Config struct {
	// Addr is the listen address, such as ":8080".
	Addr string
	// PublicURL is the absolute base URL clients reach the server at, used in
	// download_urls and Location headers. "" means http://localhost:PORT.
	PublicURL string
	// ShutdownTimeout bounds how long Stop waits for open requests.
	ShutdownTimeout time.Duration
	// AudioDir is where uploads are written (tmp, fsync, rename).
	AudioDir string
	// MaxUploadBytes is the largest accepted upload (413 above it).
	MaxUploadBytes int64
	// MaxAudioDuration is the longest accepted audio, checked by probing
	// the upload's headers.
	MaxAudioDuration time.Duration
	// MaxQueuedPerKey is the number of queued or processing jobs a key may
	// have (429 above it); 0 means no limit.
	MaxQueuedPerKey int
	// MaxAttempts is how many times a job is tried when the process dies
	// while running it.
	MaxAttempts int
	// RateLimit is the sustained requests per second per API key, and
	// RateBurst the burst; RateLimit 0 turns the limiter off.
	RateLimit float64
	RateBurst int
	// IdempotencyTTL is how long an Idempotency-Key is remembered.
	IdempotencyTTL time.Duration
	// DownloadURLTTL is the lifetime of signed download URLs, and so how
	// long a rotation keeps the signing secret version it retires.
	DownloadURLTTL time.Duration
	// RetainAudio keeps audio after a job ends (jobs can also ask for it).
	RetainAudio bool
	// AllowPrivateNetworks lets url imports and callbacks reach private and
	// loopback addresses (homelabs); the same setting guards the worker's
	// downloads and the webhook dispatcher.
	AllowPrivateNetworks bool
	// ModelPath is the whisper model file; its base name without extension
	// is the model id of the OpenAI-compatible API.
	ModelPath string
	// Models names the models jobs can pick with model, the default first;
	// empty means just the ModelPath one, named by its file name without
	// extension.
	Models []string
	// MetricsSeparate means Deps.Metrics is served on a listener of its
	// own, not here; otherwise GET /metrics serves it on this listener.
	MetricsSeparate bool
	// MetricsOpen serves GET /metrics here without an API key; otherwise
	// it needs an admin key.
	MetricsOpen bool
	// MinFreeDisk is the free space, in bytes, below which /readyz fails
	// and uploads are refused (507), measured on the file system of
	// AudioDir; 0 turns the check off.
	MinFreeDisk int64
	// Version is the program's version (the VERSION file, set at build
	// time); GET /openapi.yaml reports it as info.version.
	Version string
	// Backend and Device say what the model runs on (engine.ModelInfo);
	// GET /readyz reports them when set.
	Backend, Device string
	// ProbeConcurrency is how many uploads are probed for their duration at
	// once (at least 1).
	ProbeConcurrency int
	// ProbeWait is how long an upload waits for a probe slot before the
	// request fails with 503 unavailable and Retry-After.
	ProbeWait time.Duration
}

// Store is what the API needs from the job store; *store.Store implements
// it.
type Store interface {
	KeyByHash(hash [32]byte) (store.Key, error)
	CreateKey(k store.Key) (store.Key, error)
	ListKeys() ([]store.Key, error)
	RevokeKey(id string) (store.Key, error)
	CountKeys() (int, error)
	CreateJob(job store.Job, lim store.CreateLimits) (store.Job, bool, error)
	GetJob(id string) (store.Job, error)
	GetJobForKey(id, keyID string) (store.Job, error)
	GetTranscript(id string) ([]byte, error)
	ListJobs(keyID string, status store.Status, limit int, cursor string) ([]store.Job, string, error)
	CancelJob(id, keyID string, build store.DeliveryFunc) (store.Job, error)
	DeleteJob(id, keyID string) (store.Job, error)
	QuotaUsage(keyID string, month time.Time) (store.MonthUsage, error)
	GetKey(id string) (store.Key, error)
	Secrets(name string, size int) ([]store.SecretVersion, error)
	RotateSecret(name string, size int, dropRetiredBefore time.Time) ([]store.SecretVersion, error)
	DeliveriesForJob(jobID string) ([]store.Delivery, error)
	RedeliverWith(jobID string, payload func(store.Job) []byte) (store.Delivery, error)
	SetSpeakerNames(id, keyID string, names map[string]string) (store.Job, error)
}

// Webhooks is the webhook dispatcher as the API sees it.
type Webhooks interface {
	// Notify hints that a delivery became due.
	Notify()
}

// Jobs is the worker pool as the API sees it.
type Jobs interface {
	// Notify hints that a job was queued.
	Notify()
	// Cancel aborts a job running in this process, if it is.
	Cancel(jobID string) bool
}

// Deps are the server's collaborators.
type Deps struct {
	Store Store
	Jobs  Jobs
	// Webhooks is woken when a redelivery is queued; nil means none.
	Webhooks Webhooks
	// Signer signs and checks download URLs; share it with the webhook
	// dispatcher so that a rotation reaches both. nil means one made from
	// the store's secret. The server sets its base URL.
	Signer *delivery.Signer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Metrics records request metrics and is served at GET /metrics (see
	// Config.MetricsSeparate); nil means none. Job metrics come from the
	// store given as Store (metrics.CountingStore) and the worker pool.
	Metrics *metrics.Metrics
	// FreeDisk returns the bytes available to this process on the file
	// system holding path, for /readyz and uploads; nil means statfs(2).
	FreeDisk func(path string) (uint64, error)
	// FetchAudio, when set, writes a retained job's audio into this
	// node's audio directory and returns its path, for a job whose audio
	// file is not here (nodes sharing a database, where another node ran
	// the job); nil means the file is served only where it is.
	FetchAudio func(job store.Job) (string, error)
}

// Server is the HTTP API.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    Store
	jobs     Jobs
	webhooks Webhooks
	now      func() time.Time
	metrics  *metrics.Metrics
	freeDisk func(path string) (uint64, error)
	fetch    func(job store.Job) (string, error)
	routeSet map[string]bool
	ping     pingCache
	limits   *keyLimiters
	signer   *delivery.Signer
	public   string
	probes   *probeLimiter

	echo   *echo.Echo
	http   *http.Server
	ln     net.Listener
	served chan error
}

// New builds the server and its routes. It does not listen yet.
func New(cfg Config, deps Deps, logger *slog.Logger) (*Server, error) {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Webhooks == nil {
		deps.Webhooks = noWebhooks{}
	}
	if deps.FreeDisk == nil {
		deps.FreeDisk = freeDisk
	}
	if deps.Signer == nil {
		var err error
		if deps.Signer, err = delivery.LoadSigner(deps.Store, cfg.DownloadURLTTL); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if err := os.MkdirAll(cfg.AudioDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: audio dir: %w", err)
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	s := &Server{
		cfg:      cfg,
		log:      logger.With("component", "server"),
		store:    deps.Store,
		jobs:     deps.Jobs,
		webhooks: deps.Webhooks,
		now:      deps.Now,
		metrics:  deps.Metrics,
		freeDisk: deps.FreeDisk,
		fetch:    deps.FetchAudio,
		limits:   newKeyLimiters(cfg.RateLimit, cfg.RateBurst, deps.Now),
		signer:   deps.Signer,
		public:   strings.TrimRight(cfg.PublicURL, "/"),
		probes:   newProbeLimiter(cfg.ProbeConcurrency, cfg.ProbeWait),
		echo:     e,
	}
	s.signer.SetBaseURL(s.public)
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID, s.accessLog, bodyIdleTimeout)
	s.routes()
	s.metricsRoute()
	s.routeSet = routeSet(e)
	return s, nil
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
	if s.public == "" {
		s.public = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
		s.signer.SetBaseURL(s.public)
	}
	s.http = &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(), "public_url", s.public)
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

// noWebhooks is the Webhooks of a server without a dispatcher.
type noWebhooks struct{}

func (noWebhooks) Notify() {}
