package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/instanttranscriber/instanttranscriber/config"
	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/summarize"
	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/metrics"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/store"
	"github.com/instanttranscriber/instanttranscriber/webhook"
)

// runServe opens the store, loads the model, starts the worker pool, the
// janitor and the HTTP server, and runs until ctx ends (SIGINT or SIGTERM);
// then it shuts down in reverse order: HTTP first (no new jobs), then the
// workers (grace period, then running jobs go back to the queue), then the
// model and the store.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "serve [flags]", stderr)
	configPath := fs.String("config", os.Getenv("INSTANTTRANSCRIBER_CONFIG"), "YAML config file (see config.example.yaml); defaults apply without one")
	addr := fs.String("addr", "", "listen address (overrides server.addr)")
	modelPath := fs.String("model", os.Getenv("INSTANTTRANSCRIBER_MODEL"), "whisper ggml model file (overrides engine.model_path)")
	if _, err := parseArgs(fs, args, 0, "serve takes no arguments"); err != nil {
		return err
	}
	// The flags override the file and the environment, so the one
	// validation comes after them: --addr or --model can fix a bad value.
	cfg, err := config.Load(*configPath, os.Environ())
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Server.Addr = *addr
	}
	if *modelPath != "" {
		cfg.Engine.ModelPath = *modelPath
		// The flag names the one model to serve.
		cfg.Engine.Models, cfg.Engine.DefaultModel = "", ""
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)

	if err := os.MkdirAll(cfg.AudioDir(), 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := ensureAdminKey(st, stdout, logger); err != nil {
		return err
	}

	// The Silero VAD model is optional (make model warns when it cannot be
	// fetched); only engine.vad needs it, so only then is its absence fatal.
	if cfg.Engine.VAD {
		if _, err := os.Stat(cfg.Engine.VADModelPath); err != nil {
			return fmt.Errorf("engine.vad is on but its model is missing: %w (run make model, set engine.vad_model_path, or turn engine.vad off)", err)
		}
	}
	model, err := engine.Load(cfg.EngineConfig(), logger)
	if err != nil {
		return fmt.Errorf("%w (run make model, or set engine.model_path or engine.models)", err)
	}
	defer model.Close()
	info := model.Info()
	logger.Info("model loaded", "path", info.Path, "type", info.Type, "multilingual", info.Multilingual, "whisper", engine.Version(),
		"backend", info.Backend, "device", info.Device)
	// The other configured models load when a job first asks for one.
	paths, def, _ := cfg.ModelPaths()
	models, err := engine.NewRegistry(paths, def, model, int64(cfg.Engine.ModelMemoryBudget), cfg.EngineConfig(), logger)
	if err != nil {
		return err
	}
	defer models.Close()

	// Metrics live in their own registry; the store's gauges are read at
	// scrape time.
	m := metrics.New(logger)
	m.SetEngine(info.Backend, info.Device, info.Type)
	m.WatchStore(st, nil)
	if pg, ok := st.(sharedAudio); ok {
		m.WatchDatabase(pg)
	}

	// One signer for the download URLs: the API hands them out, checks them
	// and rotates the secret; the dispatcher signs a completed job's links
	// each time it sends the callback.
	serverCfg := cfg.ServerConfig()
	serverCfg.Version = version
	serverCfg.Backend, serverCfg.Device = info.Backend, info.Device
	signer, err := delivery.LoadSigner(st, serverCfg.DownloadURLTTL)
	if err != nil {
		return err
	}
	client := netguard.NewClient(cfg.NetguardConfig())
	dispatcher := webhook.New(cfg.WebhookConfig(version), st, client, logger,
		webhook.WithMetrics(m.Webhooks()), webhook.WithSigner(signer))

	// The store calls delivery.Build with each job's final state, inside the
	// transaction that ends it; the pool's store then wakes the dispatcher.
	poolOpts := append([]jobs.Option{jobs.WithPostProcessors(postProcessors(cfg, logger)...), jobs.WithMetrics(m.Jobs()), jobs.WithModels(jobs.EngineModels(models))},
		testCrashHook(logger)...)
	pool := jobs.New(cfg.WorkerConfig(), jobs.EngineModel(model), notifyingStore{st, dispatcher}, client, delivery.Build, logger, poolOpts...)
	apiStore := metrics.CountingStore{Store: st, Jobs: m.Jobs()}
	deps := server.Deps{Store: apiStore, Jobs: pool, Webhooks: dispatcher, Signer: signer, Metrics: m}
	if sa, ok := st.(sharedAudio); ok {
		deps.FetchAudio = sa.localAudio
	}
	srv, err := server.New(serverCfg, deps, logger)
	if err != nil {
		return err
	}
	janitor := jobs.NewJanitor(cfg.JanitorConfig(), st, logger)

	// Start in dependency order; stop in reverse: HTTP first (no new jobs),
	// then the workers (which may still finish jobs and queue callbacks),
	// then the dispatcher and the janitor.
	stopCtx := context.WithoutCancel(ctx)
	var stops []func(context.Context) error
	stopAll := func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i](stopCtx))
		}
		return errors.Join(errs...)
	}
	type component struct {
		start func(context.Context) error
		stop  func(context.Context) error
	}
	var components []component
	if cfg.Metrics.Addr != "" {
		// First up, last down: scrapes see the shutdown.
		ms := metrics.NewServer(cfg.Metrics.Addr, m.Handler(), logger)
		components = append(components, component{ms.Start, ms.Stop})
	}
	components = append(components,
		component{dispatcher.Start, dispatcher.Stop},
		component{janitor.Start, janitor.Stop},
	)
	if pg, ok := st.(sharedAudio); ok {
		r := newRescuer(pg.Postgres, cfg.Store.Lease, pool, dispatcher, logger)
		components = append(components, component{r.Start, r.Stop})
	}
	if cfg.Node.Workers {
		components = append(components, component{pool.Start, pool.Stop})
	}
	if cfg.Node.API {
		components = append(components, component{srv.Start, srv.Stop})
	}
	for _, c := range components {
		if err := c.start(ctx); err != nil {
			return errors.Join(err, stopAll())
		}
		stops = append(stops, c.stop)
	}

	<-ctx.Done()
	logger.Info("shutting down")
	return stopAll()
}

// postProcessors are diarization and summaries, run after transcription for
// the jobs that ask for them. Diarization finds speech with the Silero VAD
// model when it is present (make model fetches it), else with an energy
// detector.
func postProcessors(cfg config.Config, logger *slog.Logger) []jobs.PostProcessor {
	vad := cfg.Engine.VADModelPath
	var speech jobs.SpeechFinder
	if _, err := os.Stat(vad); err == nil {
		speech = jobs.SileroVAD(vad, cfg.Worker.ThreadsPerJob)
	} else {
		logger.Warn("no Silero VAD model: speaker labels find speech with the energy detector", "vad_model_path", vad)
	}
	// The LLM endpoint is the operator's own configuration (usually a local
	// server), not user input, so it is reached without the SSRF guard.
	llm := &http.Client{}
	return []jobs.PostProcessor{
		&jobs.Diarizer{Speech: speech, Logger: logger},
		&jobs.Summarizer{S: summarize.New(cfg.SummaryConfig(), llm, logger)},
	}
}

// notifyingStore is the store as the worker pool sees it: a committed
// terminal transition (which may have queued a callback) wakes the webhook
// dispatcher at once instead of at its next poll.
type notifyingStore struct {
	store.Backend
	dispatcher *webhook.Dispatcher
}

func (s notifyingStore) FinishJob(id string, out store.Outcome) (store.Job, error) {
	j, err := s.Backend.FinishJob(id, out)
	if err == nil && out.Deliver != nil && j.CallbackURL != "" {
		s.dispatcher.Notify()
	}
	return j, err
}

// Environment variables that give the first admin key on an unattended
// install (compose, systemd), where nobody reads stdout on first start: the
// key itself, or a file holding it (a container or systemd credential).
const (
	envInitialAdminKey     = "INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY"
	envInitialAdminKeyFile = "INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE"
)

// ensureAdminKey creates an admin key on first start, when the store has no
// keys. It is the operator's key from INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY
// (or _FILE) when set, stored as its hash and never echoed; otherwise a new
// random key, printed once to stdout (never to the log). Once any key
// exists the variables are ignored.
func ensureAdminKey(st store.Backend, stdout io.Writer, logger *slog.Logger) error {
	n, err := st.CountKeys()
	if err != nil || n > 0 {
		return err
	}
	chosen, from, err := initialAdminKey()
	if err != nil {
		return err
	}
	if chosen != "" {
		hash, err := server.HashChosenAPIKey(chosen)
		if err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		k, err := st.CreateKey(store.Key{Name: "admin", Hash: hash, Admin: true})
		if errors.Is(err, store.ErrExists) {
			// Another node sharing the database created it first.
			return nil
		}
		if err != nil {
			return err
		}
		logger.Info("created the first admin api key from the environment", "key_id", k.ID, "from", from)
		return nil
	}
	k, secret, err := server.NewKey(st, "admin", 0, true)
	if err != nil {
		return err
	}
	logger.Info("created the first admin api key; it is printed once on stdout", "key_id", k.ID)
	fmt.Fprintf(stdout, "\nFirst start: created an admin API key. It is shown only this once:\n\n    %s\n\nUse it as: Authorization: Bearer <key>. Create more with: instanttranscriber keys create --name NAME\n\n", secret)
	return nil
}

// initialAdminKey reads the operator's first admin key, if one is given,
// and names where it came from.
func initialAdminKey() (key, from string, err error) {
	if v := os.Getenv(envInitialAdminKey); v != "" {
		return strings.TrimSpace(v), envInitialAdminKey, nil
	}
	path := os.Getenv(envInitialAdminKeyFile)
	if path == "" {
		return "", "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", envInitialAdminKeyFile, err)
	}
	return strings.TrimSpace(string(b)), envInitialAdminKeyFile, nil
}

// newLogger builds the process logger from the log: section.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel()}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
