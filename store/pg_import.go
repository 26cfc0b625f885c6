package store

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Import fills an empty database in one transaction from what fill feeds
// to the Snapshot it is given (such as (*Store).Export), with the audio of
// each job that has a file, read through audio (nil: no audio; it returns
// nil, nil for a job without one). It refuses a database that holds jobs or
// keys, and commits nothing when anything fails.
func (p *Postgres) Import(ctx context.Context, fill func(Snapshot) error, audio func(Job) (io.ReadCloser, error)) error {
	err := p.updateCtx(ctx, func(t *pgtx) error {
		var n int
		if err := t.tx.QueryRow(t.ctx, "SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM api_keys)").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the database is not empty (%d jobs and keys): %w", n, ErrExists)
		}
		return fill(&importer{t: t, audio: audio})
	})
	if err != nil {
		return fmt.Errorf("store: import: %w", err)
	}
	return nil
}

// importer writes a Snapshot into one transaction.
type importer struct {
	t     *pgtx
	audio func(Job) (io.ReadCloser, error)
}

func (im *importer) Job(j Job, transcript []byte) error {
	t := im.t
	if err := t.insertJob(j); err != nil {
		return err
	}
	if transcript != nil {
		if _, err := t.tx.Exec(t.ctx, "INSERT INTO transcripts (job_id, body) VALUES ($1, $2)", j.ID, transcript); err != nil {
			return fmt.Errorf("transcript of job %s: %w", j.ID, err)
		}
	}
	if im.audio == nil || j.Source.AudioPath == "" {
		return nil
	}
	r, err := im.audio(j)
	if err != nil || r == nil {
		return err
	}
	defer r.Close()
	return t.putAudio(j.ID, r)
}

func (im *importer) Key(k Key) error {
	rec, err := encodeKey(k)
	if err != nil {
		return err
	}
	_, err = im.t.tx.Exec(im.t.ctx, "INSERT INTO api_keys (id, hash, record) VALUES ($1, $2, $3)", k.ID, k.Hash[:], rec)
	return err
}

func (im *importer) Usage(keyID, month string, seconds float64) error {
	return im.t.addUsage(keyID, month, seconds)
}

func (im *importer) Idempotency(keyID, idemKey string, e IdempotencyEntry) error {
	_, err := im.t.tx.Exec(im.t.ctx, `INSERT INTO idempotency (key_id, idem_key, job_id, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		keyID, idemKey, e.JobID, e.RequestHash, e.CreatedAt)
	return err
}

func (im *importer) Delivery(d Delivery) error {
	return im.t.insertDelivery(d)
}

func (im *importer) Secrets(name string, vs []SecretVersion) error {
	b, err := json.Marshal(vs)
	if err != nil {
		return err
	}
	_, err = im.t.tx.Exec(im.t.ctx, "INSERT INTO secrets (name, versions) VALUES ($1, $2)", name, b)
	return err
}
