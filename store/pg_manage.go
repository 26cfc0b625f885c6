package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// GetJob returns the job with the given ID, or ErrNotFound.
func (p *Postgres) GetJob(id string) (Job, error) {
	return read(p.update, "get job "+id, func(t *pgtx) (Job, error) {
		return t.getJob(id, false)
	})
}

// GetJobForKey returns the job if it belongs to keyID, else ErrNotFound.
func (p *Postgres) GetJobForKey(id, keyID string) (Job, error) {
	return read(p.update, "get job "+id, func(t *pgtx) (Job, error) {
		return t.ownedJob(id, keyID, false)
	})
}

// GetTranscript returns the stored transcript bytes of a job.
func (p *Postgres) GetTranscript(id string) ([]byte, error) {
	var out []byte
	err := p.update(func(t *pgtx) error {
		if _, ok := idBytes(id); !ok {
			return ErrNotFound
		}
		err := t.tx.QueryRow(t.ctx, "SELECT body FROM transcripts WHERE job_id = $1", id).Scan(&out)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: get transcript %s: %w", id, err)
	}
	return out, nil
}

// ListJobs returns keyID's jobs newest first, optionally of one status,
// with the same paging as (*Store).ListJobs.
func (p *Postgres) ListJobs(keyID string, status Status, limit int, cursor string) ([]Job, string, error) {
	limit, after, err := pageArgs(status, limit, cursor)
	if err != nil {
		return nil, "", err
	}
	var before *string
	if after != nil {
		s := idString(after)
		before = &s
	}
	var jobs []Job
	var next string
	err = p.update(func(t *pgtx) error {
		rows, err := t.tx.Query(t.ctx, `SELECT record FROM jobs WHERE key_id = $1 AND ($2 = '' OR status = $2)
			AND ($3::uuid IS NULL OR id < $3::uuid) ORDER BY id DESC LIMIT $4`, keyID, string(status), before, limit+1)
		if err != nil {
			return err
		}
		if jobs, err = collectRecords(rows, decodeJob); err != nil {
			return err
		}
		if len(jobs) > limit {
			jobs = jobs[:limit]
			last, _ := idBytes(jobs[limit-1].ID)
			next = base64.RawURLEncoding.EncodeToString(last)
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("store: list jobs: %w", err)
	}
	return jobs, next, nil
}

// CancelJob cancels a queued job at once or asks a processing one to stop;
// see (*Store).CancelJob.
func (p *Postgres) CancelJob(id, keyID string, build DeliveryFunc) (Job, error) {
	return p.writer().cancelJob(id, keyID, build)
}

// DeleteJob removes a terminal job of keyID; see (*Store).DeleteJob.
func (p *Postgres) DeleteJob(id, keyID string) (Job, error) {
	return p.writer().deleteJob(id, keyID)
}

// ExpireJobs removes up to limit terminal jobs that completed before
// before, oldest first; see (*Store).ExpireJobs. One node at a time
// expires (the SweepExpire advisory lock): the others find nothing
// meanwhile.
func (p *Postgres) ExpireJobs(before time.Time, limit int) ([]Job, error) {
	var jobs []Job
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	err := p.update(func(t *pgtx) error {
		jobs = nil
		if ok, err := t.trySweep(SweepExpire); err != nil || !ok {
			return err
		}
		rows, err := t.tx.Query(t.ctx, `SELECT record FROM jobs WHERE completed_at < $1
			ORDER BY completed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, before, lim)
		if err != nil {
			return err
		}
		if jobs, err = collectRecords(rows, decodeJob); err != nil {
			return err
		}
		for _, j := range jobs {
			if err := t.removeJob(j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: expire jobs: %w", err)
	}
	return jobs, nil
}

// SetSpeakerNames names the diarization labels of a completed job; see
// (*Store).SetSpeakerNames.
func (p *Postgres) SetSpeakerNames(id, keyID string, names map[string]string) (Job, error) {
	var out Job
	err := p.update(func(t *pgtx) error {
		job, err := t.ownedJob(id, keyID, true)
		if err != nil {
			return err
		}
		next, changed, err := renameSpeakers(job, names)
		out = next
		if err != nil || !changed {
			out = job
			return err
		}
		return t.putJob(next)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: set speaker names of job %s: %w", id, err)
	}
	return out, nil
}
