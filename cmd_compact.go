package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

const compactSynopsis = `compact [--config FILE]

Rewrites the database (data_dir/instanttranscriber.db) without its free
pages, so the file shrinks after many jobs were deleted or expired. Run it
with the server stopped: it needs the file lock, and says so when a server
holds it. A crash during compaction leaves the old file or the new one,
never a mix. Take a backup first if the data matters.`

// runCompact implements "instanttranscriber compact".
func runCompact(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compact", compactSynopsis, stderr)
	configPath := fs.String("config", os.Getenv("INSTANTTRANSCRIBER_CONFIG"), "YAML config file")
	if _, err := parseArgs(fs, args, 0, "compact takes no arguments"); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	path := cfg.StorePath()
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("compact: no database: %w (check data_dir)", err)
	}
	before, after, err := store.Compact(path, store.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("compact: %w (stop the server first)", err)
	}
	fmt.Fprintf(stdout, "compacted %s: %d -> %d bytes\n", path, before, after)
	return nil
}
