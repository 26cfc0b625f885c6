package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/server"
)

// runServe loads the model, starts the HTTP server and runs until ctx ends
// (SIGINT or SIGTERM), then shuts down in reverse order.
func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	cfg := server.DefaultConfig()
	fs := newFlagSet("serve", "serve [flags]", stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	modelPath := fs.String("model", envOr("INSTANTTRANSCRIBER_MODEL", defaultModelPath), "whisper ggml model file")
	if pos, err := parseInterleaved(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: serve takes no arguments", errUsage)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	model, err := engine.Load(engine.Config{ModelPath: *modelPath}, logger)
	if err != nil {
		return fmt.Errorf("%w (run make model, or pass --model)", err)
	}
	defer model.Close()
	info := model.Info()
	logger.Info("model loaded", "path", info.Path, "type", info.Type, "multilingual", info.Multilingual, "whisper", engine.Version())

	srv := server.New(cfg, logger)
	if err := srv.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	logger.Info("shutting down")
	return srv.Stop(context.WithoutCancel(ctx))
}
