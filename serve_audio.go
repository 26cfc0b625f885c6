package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/instanttranscriber/instanttranscriber/audiofile"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// sharedAudio is the PostgreSQL store as this node's API and workers see
// it: the audio travels through the database, so that any node can
// transcribe what another received. An upload is written to the local
// audio directory as on bbolt, then kept in the database in the
// transaction that creates its job (before the 202); a downloaded URL
// import is kept once fetched; a worker that claims a job whose file is not
// in its own audio directory writes it there from the database first
// (through audiofile.Write, so never partially). The database copy goes
// with the job: when it finishes without keeping its audio, or is deleted
// or expires.
type sharedAudio struct {
	*store.Postgres
	dir string
}

// CreateJob keeps the audio of an upload with the job.
func (s sharedAudio) CreateJob(job store.Job, lim store.CreateLimits) (store.Job, bool, error) {
	if job.Source.AudioPath == "" {
		return s.Postgres.CreateJob(job, lim)
	}
	f, err := os.Open(job.Source.AudioPath)
	if err != nil {
		return store.Job{}, false, fmt.Errorf("shared audio: %w", err)
	}
	defer f.Close()
	return s.Postgres.CreateJobWithAudio(job, lim, f)
}

// SetAudio keeps a downloaded URL import's audio before recording it.
func (s sharedAudio) SetAudio(id string, src store.Source, duration time.Duration) error {
	if src.AudioPath != "" {
		f, err := os.Open(src.AudioPath)
		if err != nil {
			return fmt.Errorf("shared audio: %w", err)
		}
		err = s.Postgres.PutAudio(id, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return s.Postgres.SetAudio(id, src, duration)
}

// ClaimNext is Claim(ClaimAny).
func (s sharedAudio) ClaimNext() (store.Job, error) { return s.Claim(store.ClaimAny) }

// Claim claims a job and makes sure its audio is in this node's audio
// directory. When that fails (the database went away, the disk is full) the
// claim is handed back without counting, and the error returned.
func (s sharedAudio) Claim(f store.ClaimFilter) (store.Job, error) {
	job, err := s.Postgres.Claim(f)
	if err != nil || job.Source.AudioPath == "" {
		return job, err
	}
	if _, err := os.Stat(job.Source.AudioPath); err == nil {
		return job, nil
	}
	path, err := audiofile.Write(s.dir, job.ID, func(out *os.File) error {
		_, err := s.Postgres.ReadAudio(job.ID, out)
		return err
	})
	if err != nil {
		rerr := s.Postgres.RequeueJob(job.ID, "", true)
		return store.Job{}, errors.Join(fmt.Errorf("shared audio of job %s: %w", job.ID, err), rerr)
	}
	job.Source.AudioPath = path
	return job, nil
}
