// Command instanttranscriber is a self-hosted transcription server: an HTTP
// API with async jobs and webhooks over whisper.cpp, in one binary.
//
// main only wires: each subcommand parses its flags, builds its components
// through their constructors and runs them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/instanttranscriber/instanttranscriber/config"
)

// version is set at build time by the Makefile (-ldflags -X main.version=).
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks an error in the command line; it exits with status 2.
var errUsage = errors.New("usage")

const usage = `usage: instanttranscriber <command> [flags]

commands:
  serve        start the HTTP API server
  keys         create, list and revoke API keys
  transcribe   transcribe one audio file to stdout
  backup       copy the database to a file, also while the server runs
  compact      shrink the database file (server stopped)
  migrate      copy a bbolt data directory into PostgreSQL, and check it
  version      print the program and whisper.cpp versions and the GPU devices

Run "instanttranscriber <command> -h" for a command's flags.
`

// run executes the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "keys":
		err = runKeys(ctx, args[1:], stdout, stderr)
	case "transcribe":
		err = runTranscribe(ctx, args[1:], stdout, stderr)
	case "backup":
		err = runBackup(ctx, args[1:], stdout, stderr)
	case "compact":
		err = runCompact(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		err = runVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "instanttranscriber: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		// A bare errUsage was explained where it was raised (by the flag
		// package); a wrapped one carries the command's rule.
		if err != errUsage {
			fmt.Fprintf(stderr, "instanttranscriber: %v\n", err)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "instanttranscriber: %v\n", err)
		return 1
	}
}

// loadConfig loads and validates the configuration of a command whose
// flags override no key: config.Load (defaults, the file at path, the
// environment), then the one config.Validate.
func loadConfig(path string) (config.Config, error) {
	cfg, err := config.Load(path, os.Environ())
	if err != nil {
		return config.Config{}, err
	}
	return cfg, cfg.Validate()
}
