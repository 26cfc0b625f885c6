package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

const migrateSynopsis = `migrate [--config FILE] [--check]

Copies the bbolt data directory (data_dir: jobs, transcripts, keys, usage,
idempotency keys, the webhook outbox and its log, the signing secret, and
the audio of the jobs that have some) into the PostgreSQL database of
store.postgres_url (or INSTANTTRANSCRIBER_STORE_POSTGRES_URL), in one
transaction, then checks the copy record by record. The database must be
empty (it is migrated first). Run it with the server stopped: it needs the
bbolt file lock. --check only compares an earlier copy with the directory.
Then set store.driver: postgres.`

// runMigrate implements "instanttranscriber migrate".
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", migrateSynopsis, stderr)
	configPath := fs.String("config", os.Getenv("INSTANTTRANSCRIBER_CONFIG"), "YAML config file")
	checkOnly := fs.Bool("check", false, "only compare the database with the data directory")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return fmt.Errorf("%w: migrate takes no arguments", errUsage)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if cfg.Store.PostgresURL == "" {
		return fmt.Errorf("migrate: set store.postgres_url (or INSTANTTRANSCRIBER_STORE_POSTGRES_URL)")
	}
	path := cfg.StorePath()
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("migrate: no database: %w (check data_dir)", err)
	}
	bolt, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("migrate: %w (stop the server first)", err)
	}
	defer bolt.Close()
	pg, err := store.OpenPostgres(ctx, cfg.Store.PostgresURL.Reveal(), store.PostgresOptions{})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer pg.Close()
	if !*checkOnly {
		err := pg.Import(ctx, func(sn store.Snapshot) error { return bolt.Export(sn) }, openJobAudio)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	c := &migrationCheck{pg: pg}
	if err := bolt.Export(c); err != nil {
		return fmt.Errorf("migrate: check: %w", err)
	}
	fmt.Fprintf(stdout, "checked %s against the database: %d jobs (%d transcripts, %d audio files), %d keys, %d deliveries, %d usage months, %d secrets\n",
		path, c.jobs, c.transcripts, c.audio, c.keys, c.deliveries, c.usage, c.secrets)
	return nil
}

// openJobAudio opens a job's audio file for the copy; a job whose file is
// gone has none.
func openJobAudio(j store.Job) (io.ReadCloser, error) {
	f, err := os.Open(j.Source.AudioPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// migrationCheck is a store.Snapshot that compares each record of the
// bbolt file with the database, and counts them.
type migrationCheck struct {
	pg                                                         *store.Postgres
	jobs, transcripts, audio, keys, deliveries, usage, secrets int
}

func (c *migrationCheck) Job(j store.Job, transcript []byte) error {
	got, err := c.pg.GetJob(j.ID)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(got, j) {
		return fmt.Errorf("job %s differs in the database", j.ID)
	}
	c.jobs++
	if transcript != nil {
		tr, err := c.pg.GetTranscript(j.ID)
		if err != nil || !bytes.Equal(tr, transcript) {
			return fmt.Errorf("transcript of job %s differs in the database (%v)", j.ID, err)
		}
		c.transcripts++
	}
	f, err := openJobAudio(j)
	if err != nil || f == nil {
		return err
	}
	defer f.Close()
	want, got2 := sha256.New(), sha256.New()
	if _, err := io.Copy(want, f); err != nil {
		return err
	}
	if _, err := c.pg.ReadAudio(j.ID, got2); err != nil {
		return fmt.Errorf("audio of job %s: %w", j.ID, err)
	}
	if !bytes.Equal(want.Sum(nil), got2.Sum(nil)) {
		return fmt.Errorf("audio of job %s differs in the database", j.ID)
	}
	c.audio++
	return nil
}

func (c *migrationCheck) Key(k store.Key) error {
	got, err := c.pg.GetKey(k.ID)
	if err != nil || !reflect.DeepEqual(got, k) {
		return fmt.Errorf("key %s differs in the database (%v)", k.ID, err)
	}
	c.keys++
	return nil
}

func (c *migrationCheck) Usage(keyID, month string, seconds float64) error {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return err
	}
	got, err := c.pg.Usage(keyID, m)
	if err != nil || got != seconds {
		return fmt.Errorf("usage of key %s in %s is %v in the database, %v in the file (%v)", keyID, month, got, seconds, err)
	}
	c.usage++
	return nil
}

// Idempotency entries have no read method of their own; a repeat of the
// request finds them.
func (c *migrationCheck) Idempotency(string, string, store.IdempotencyEntry) error { return nil }

func (c *migrationCheck) Delivery(d store.Delivery) error {
	got, err := c.pg.GetDelivery(d.ID)
	if err != nil || !reflect.DeepEqual(got, d) {
		return fmt.Errorf("delivery %s differs in the database (%v)", d.ID, err)
	}
	c.deliveries++
	return nil
}

func (c *migrationCheck) Secrets(name string, vs []store.SecretVersion) error {
	got, err := c.pg.Secrets(name, len(vs[0].Secret))
	if err != nil || len(got) != len(vs) || !bytes.Equal(got[0].Secret, vs[0].Secret) {
		return fmt.Errorf("secret %s differs in the database (%v)", name, err)
	}
	c.secrets++
	return nil
}
