package store

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// CreateJob stores job as queued; see (*Store).CreateJob. The admission
// checks and the writes hold the API key's advisory lock, so creates on
// different nodes cannot together overbook a quota or a queue cap.
func (p *Postgres) CreateJob(job Job, lim CreateLimits) (Job, bool, error) {
	return p.createJob(job, lim, nil)
}

// createJob is CreateJob, keeping audio with the job when not nil.
func (p *Postgres) createJob(job Job, lim CreateLimits, audio io.Reader) (Job, bool, error) {
	job, lim, err := prepareCreate(job, lim)
	if err != nil {
		return Job{}, false, fmt.Errorf("store: create job: %w", err)
	}
	var existing bool
	err = p.update(func(t *pgtx) error {
		now := p.now()
		var err error
		if existing, err = admission(t, &job, lim, now); err != nil || existing {
			return err
		}
		if err := t.insertJob(job); err != nil {
			return err
		}
		if err := t.notify(jobsChannel); err != nil {
			return err
		}
		if audio != nil {
			if err := t.putAudio(job.ID, audio); err != nil {
				return err
			}
		}
		if job.IdempotencyKey == "" {
			return nil
		}
		_, err = t.tx.Exec(t.ctx, `INSERT INTO idempotency (key_id, idem_key, job_id, request_hash, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (key_id, idem_key) DO UPDATE SET job_id = EXCLUDED.job_id, request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at`,
			job.KeyID, job.IdempotencyKey, job.ID, lim.RequestHash, now)
		return err
	})
	if err != nil {
		return Job{}, false, fmt.Errorf("store: create job: %w", err)
	}
	return job, existing, nil
}

// idempotentJob returns the job an unexpired idempotency entry of job's key
// points to; found is false when there is no usable entry.
func (t *pgtx) idempotentJob(job Job, now time.Time, lim CreateLimits) (Job, bool, error) {
	var (
		jobID, hash string
		created     time.Time
	)
	err := t.tx.QueryRow(t.ctx, "SELECT job_id::text, request_hash, created_at FROM idempotency WHERE key_id = $1 AND idem_key = $2",
		job.KeyID, job.IdempotencyKey).Scan(&jobID, &hash, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, err
	}
	prior, err := t.getJob(jobID, false)
	if errors.Is(err, ErrNotFound) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, err
	}
	usable, err := idempotencyHit(prior, created, hash, now, lim)
	if !usable || err != nil {
		return Job{}, false, err
	}
	return prior, true, nil
}

// countActive counts the key's queued and processing jobs.
func (t *pgtx) countActive(keyID string) (int, error) {
	var n int
	err := t.tx.QueryRow(t.ctx, "SELECT count(*) FROM jobs WHERE key_id = $1 AND status IN ('queued', 'processing')", keyID).Scan(&n)
	return n, err
}

// ClaimNext is Claim(ClaimAny).
func (p *Postgres) ClaimNext() (Job, error) {
	return p.Claim(ClaimAny)
}

// Claim takes the oldest queued job f allows, skipping rows other nodes are
// claiming (FOR UPDATE SKIP LOCKED), marks it processing, raises its
// Attempt and starts its lease. It returns ErrNoJob when there is none.
// Like the bbolt store, it takes from the synchronous jobs and the others
// in turn when both wait, and within a queue goes round-robin over API
// keys, oldest first within each key; the turns are this node's.
func (p *Postgres) Claim(f ClaimFilter) (Job, error) {
	var needs []bool
	for _, n := range f.needs() {
		needs = append(needs, n == needFetch)
	}
	var job Job
	err := p.update(func(t *pgtx) error {
		first := p.syncTurn.Load()
		var prev Job
		var err error
		for _, sync := range []bool{first, !first} {
			if prev, err = t.nextInQueue(sync, needs, p.lastKey(sync)); !errors.Is(err, ErrNotFound) {
				break
			}
		}
		if errors.Is(err, ErrNotFound) {
			return ErrNoJob
		}
		if err != nil {
			return err
		}
		job = prev
		startAttempt(&job, p.now())
		return t.putJob(job)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: claim job: %w", err)
	}
	p.syncTurn.Store(!job.Sync)
	p.turnMu.Lock()
	p.keyTurn[queueIndex(job.Sync)] = job.KeyID
	p.turnMu.Unlock()
	p.claims.Store(job.ID, job.Attempt)
	return job, nil
}

func queueIndex(sync bool) int {
	if sync {
		return 1
	}
	return 0
}

// lastKey is the key this node's last claim from the queue served.
func (p *Postgres) lastKey(sync bool) string {
	p.turnMu.Lock()
	defer p.turnMu.Unlock()
	return p.keyTurn[queueIndex(sync)]
}

// nextInQueue locks the oldest queued job of the first key after last (in
// byte order, wrapping around) that has one the needs allow, skipping jobs
// other nodes are claiming.
func (t *pgtx) nextInQueue(sync bool, needs []bool, last string) (Job, error) {
	const q = `SELECT record FROM jobs WHERE status = 'queued' AND sync = $1 AND need_fetch = ANY($2)
		AND ($3::text IS NULL OR key_id > $3) ORDER BY key_id, id LIMIT 1 FOR UPDATE SKIP LOCKED`
	j, err := scanRecord(t.tx.QueryRow(t.ctx, q, sync, needs, last), decodeJob)
	if errors.Is(err, ErrNotFound) {
		j, err = scanRecord(t.tx.QueryRow(t.ctx, q, sync, needs, nil), decodeJob)
	}
	return j, err
}

// forget drops this node's claim of job id once a finishing write ended
// it (err nil) or found it no longer this node's (ErrNotProcessing).
func (p *Postgres) forget(id string, err error) {
	if err == nil || errors.Is(err, ErrNotProcessing) {
		p.claims.Delete(id)
	}
}

// UpdateProgress records a processing job's stage and percentage, renews
// its lease, and reports whether its cancellation was requested.
func (p *Postgres) UpdateProgress(id string, stage string, progress int) (cancelRequested bool, err error) {
	return p.writer().updateProgress(id, stage, progress)
}

// SetAudio records the audio a worker downloaded for a URL import.
func (p *Postgres) SetAudio(id string, src Source, duration time.Duration) error {
	return p.writer().setAudio(id, src, duration)
}

// ReserveAudio reserves d of audio for the processing job id, under its
// key's lock; see (*Store).ReserveAudio.
func (p *Postgres) ReserveAudio(id string, d time.Duration) error {
	return p.writer().reserveAudio(id, d)
}

// writer makes the job writes the drivers share in this database's
// transactions.
func (p *Postgres) writer() jobWriter[*pgtx] {
	return jobWriter[*pgtx]{update: p.update, now: p.now}
}

// FinishJob moves a processing job to its terminal state with its
// transcript, usage charge and webhook delivery, in one transaction; see
// (*Store).FinishJob.
func (p *Postgres) FinishJob(id string, out Outcome) (Job, error) {
	job, err := p.writer().finishJob(id, out)
	p.forget(id, err)
	return job, err
}

// putTranscript stores the transcript of job id.
func (t *pgtx) putTranscript(id string, transcript []byte) error {
	_, err := t.tx.Exec(t.ctx, `INSERT INTO transcripts (job_id, body) VALUES ($1, $2)
		ON CONFLICT (job_id) DO UPDATE SET body = EXCLUDED.body`, id, transcript)
	return err
}

// RequeueJob returns a processing job to the queue; see (*Store).RequeueJob.
func (p *Postgres) RequeueJob(id string, reason string, refundAttempt bool) error {
	err := p.writer().requeueJob(id, reason, refundAttempt)
	p.forget(id, err)
	return err
}

// RecoverOrphans is the rescuer: it settles the processing jobs whose lease
// lapsed (their node died or lost the database), as the bbolt store settles
// the jobs a crash left processing: requeued with the interruption
// recorded, or failed once out of attempts (or synchronous), or canceled
// when that was asked, with the delivery announcing a terminal state in the
// same transaction. Jobs of live nodes, whose lease runs, are left alone,
// so every node may run it at any time; one node at a time does (the
// SweepRescue advisory lock), and the others find nothing meanwhile.
func (p *Postgres) RecoverOrphans(build DeliveryFunc) (requeued, finished []Job, err error) {
	var r recovered
	err = p.update(func(t *pgtx) error {
		r = recovered{}
		if ok, err := t.trySweep(SweepRescue); err != nil || !ok {
			return err
		}
		now := p.now()
		rows, err := t.tx.Query(t.ctx, `SELECT record FROM jobs WHERE status = 'processing' AND locked_until < $1
			ORDER BY id FOR UPDATE SKIP LOCKED`, now)
		if err != nil {
			return err
		}
		orphans, err := collectRecords(rows, decodeJob)
		if err != nil {
			return err
		}
		for _, prev := range orphans {
			job := prev
			rescue(&job, now)
			if err := r.add(t, &prev, job, build, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: recover orphans: %w", err)
	}
	return r.requeued, r.finished, nil
}
