package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/instanttranscriber/instanttranscriber/config"
	"github.com/instanttranscriber/instanttranscriber/store"
)

const backupSynopsis = `backup FILE [--config FILE] [--server URL] [--admin-key KEY]

Writes a consistent copy of the database (jobs, transcripts, keys, usage,
webhook deliveries; not the audio files) to FILE, replacing it atomically.
Works with the server stopped (opens the store) or running (downloads
GET /v1/admin/backup with --admin-key or INSTANTTRANSCRIBER_ADMIN_KEY, from
127.0.0.1 at server.addr's port). With --server, always downloads from that
server, which may run on another machine.
To restore: stop the server, copy FILE to data_dir/instanttranscriber.db,
start the server.`

// runBackup implements "instanttranscriber backup".
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", backupSynopsis, stderr)
	configPath := fs.String("config", os.Getenv("INSTANTTRANSCRIBER_CONFIG"), "YAML config file")
	serverURL := fs.String("server", "", "base URL of a running server to download the backup from (default: the local store, or 127.0.0.1 at server.addr's port when the server runs)")
	adminKey := fs.String("admin-key", os.Getenv("INSTANTTRANSCRIBER_ADMIN_KEY"), "admin API key, used when the server is running")
	pos, err := parseArgs(fs, args, 1, "backup takes one output file")
	if err != nil {
		return err
	}
	out := pos[0]
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if cfg.Store.Driver == config.StorePostgres {
		return errors.New("backup copies the bbolt file; with store.driver postgres, back up the database with pg_dump (docs/scaling.md)")
	}
	var n int64
	from := "the store file"
	if *serverURL != "" {
		// An explicit server: its admin API, wherever it runs.
		if *adminKey == "" {
			return errors.New("backup: --server needs --admin-key or INSTANTTRANSCRIBER_ADMIN_KEY")
		}
		from = strings.TrimRight(*serverURL, "/")
		n, err = writeFileAtomic(out, func(w io.Writer) (int64, error) {
			return fetchBackup(ctx, from, *adminKey, w)
		})
	} else {
		if same, err := sameFile(out, cfg.StorePath()); err != nil {
			return err
		} else if same {
			return fmt.Errorf("backup: %s is the live database; write the backup somewhere else", out)
		}
		if _, err := os.Stat(cfg.StorePath()); err != nil {
			return fmt.Errorf("backup: no database to back up: %w (check data_dir, or pass --server)", err)
		}
		n, err = writeFileAtomic(out, func(w io.Writer) (int64, error) {
			st, err := store.Open(cfg.StorePath(), store.Options{Timeout: 300 * time.Millisecond})
			if err == nil {
				defer st.Close()
				return st.Backup(w)
			}
			if !errors.Is(err, store.ErrLocked) {
				return 0, err
			}
			if *adminKey == "" {
				return 0, errors.New("the server is running (it holds the store); pass --admin-key or set INSTANTTRANSCRIBER_ADMIN_KEY to use its admin API")
			}
			base, err := adminBaseURL(cfg)
			if err != nil {
				return 0, err
			}
			from = base
			return fetchBackup(ctx, base, *adminKey, w)
		})
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %d bytes to %s (from %s)\n", n, out, from)
	return nil
}

// adminBaseURL is the loopback address of server.addr's port.
func adminBaseURL(cfg config.Config) (string, error) {
	_, port, err := net.SplitHostPort(cfg.Server.Addr)
	if err != nil {
		return "", fmt.Errorf("server.addr %q: %w", cfg.Server.Addr, err)
	}
	return "http://127.0.0.1:" + port, nil
}

// fetchBackup downloads GET /v1/admin/backup into w.
func fetchBackup(ctx context.Context, base, key string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	// No overall timeout: a large database takes as long as it takes; the
	// server answers once its local copy is written.
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, ResponseHeaderTimeout: 10 * time.Minute}}
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("admin api: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
		return 0, fmt.Errorf("admin api: GET /v1/admin/backup: %d %s: %s", resp.StatusCode, e.Error.Code, e.Error.Message)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("admin api: download: %w", err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("admin api: download: got %d of %d bytes", n, resp.ContentLength)
	}
	return n, nil
}

// writeFileAtomic writes path through fill: a temporary file in the same
// directory, fsynced, then renamed over path, and the directory fsynced. On
// any error path is left as it was.
func writeFileAtomic(path string, fill func(io.Writer) (int64, error)) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	n, err := fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return n, err
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return n, fmt.Errorf("sync %s: %w", dir, err)
		}
	}
	return n, nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	bi, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(ai, bi), nil
}
