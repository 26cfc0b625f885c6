// Command benchapi is the load generator behind `make bench-api`. It measures
// the HTTP API, not whisper: phase 1 sends concurrent multipart uploads to
// POST /v1/transcriptions (each with its own Idempotency-Key), phase 2 polls
// GET /v1/transcriptions/{id} on the created jobs for a fixed duration. It
// prints latency percentiles, throughput and errors by status, checks them
// against the goals, and ends with a one-line summary.
//
// Run it against a server started with the per-key rate limit and the queue
// limit turned off, and an API key without a quota; otherwise most creates
// are 429 or 402 and measure the limiter instead of the upload path.
//
// Usage:
//
//	go run ./scripts/benchapi -url http://127.0.0.1:8080 -key itk_...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Goals the API is held to.
const (
	goalCreateP99 = 50 * time.Millisecond
	goalGetRate   = 5000.0
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command-line flags.
type options struct {
	baseURL    string
	key        string
	clients    int
	creates    int
	wavPath    string
	getFor     time.Duration
	getClients int
	timeout    time.Duration
	cleanup    bool
	jsonPath   string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.baseURL, "url", "http://127.0.0.1:8080", "base URL of the server")
	fs.StringVar(&o.key, "key", "", "API key (default: $INSTANTTRANSCRIBER_API_KEY)")
	fs.IntVar(&o.clients, "clients", 50, "concurrent clients in the create phase")
	fs.IntVar(&o.creates, "creates", 500, "create requests in total")
	fs.StringVar(&o.wavPath, "wav", "", "audio to upload (default: a generated 32 s 16 kHz mono WAV, about 1 MB)")
	fs.DurationVar(&o.getFor, "gets", 10*time.Second, "duration of the status-GET phase")
	fs.IntVar(&o.getClients, "get-clients", 50, "concurrent clients in the status-GET phase")
	fs.DurationVar(&o.timeout, "timeout", 60*time.Second, "timeout of one request")
	fs.BoolVar(&o.cleanup, "cleanup", true, "cancel and delete the created jobs at the end")
	fs.StringVar(&o.jsonPath, "json", "", "also write the figures of both phases to this file as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.key == "" {
		o.key = os.Getenv("INSTANTTRANSCRIBER_API_KEY")
	}
	o.baseURL = strings.TrimRight(o.baseURL, "/")
	switch {
	case o.key == "":
		return o, errors.New("no API key: pass -key or set INSTANTTRANSCRIBER_API_KEY")
	case o.clients < 1 || o.getClients < 1:
		return o, errors.New("-clients and -get-clients must be at least 1")
	case o.creates < 1:
		return o, errors.New("-creates must be at least 1")
	case o.getFor <= 0:
		return o, errors.New("-gets must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "benchapi:", err)
		return 2
	}

	audio, name := toneWAV(32*time.Second), "bench-tone.wav"
	if o.wavPath != "" {
		if audio, err = os.ReadFile(o.wavPath); err != nil {
			fmt.Fprintln(stderr, "benchapi:", err)
			return 1
		}
		name = filepath.Base(o.wavPath)
	}
	upload, contentType, err := multipartBody(name, audio)
	if err != nil {
		fmt.Fprintln(stderr, "benchapi:", err)
		return 1
	}

	c := newClient(o.baseURL, o.key, max(o.clients, o.getClients), o.timeout)
	if err := c.preflight(ctx); err != nil {
		fmt.Fprintln(stderr, "benchapi:", err)
		return 1
	}
	fmt.Fprintf(stdout, "bench-api: %s, upload %s (%.1f MB), %d creates x %d clients, GETs for %s x %d clients\n\n",
		o.baseURL, name, float64(len(audio))/1e6, o.creates, o.clients, o.getFor, o.getClients)

	create, ids := c.createPhase(ctx, o.creates, o.clients, upload, contentType)
	var get result
	if len(ids) > 0 && ctx.Err() == nil {
		get = c.getPhase(ctx, ids, o.getFor, o.getClients)
	}

	report(stdout, create, get, len(ids))
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, create, get, len(ids)); err != nil {
			fmt.Fprintln(stderr, "benchapi:", err)
			return 1
		}
	}

	if o.cleanup && len(ids) > 0 {
		// Not the caller's ctx: an interrupted run still cleans up.
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		requested, deleted, failed := c.cleanup(cctx, ids, o.clients)
		cancel()
		fmt.Fprintf(stdout, "\ncleanup: %d jobs deleted, %d cancel requested (were processing), %d failed\n", deleted, requested, failed)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, summary(create, get))
	if ctx.Err() != nil {
		return 130
	}
	return 0
}
