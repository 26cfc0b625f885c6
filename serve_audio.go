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
// transaction that creates its job (before the 202), and the local copy
// removed; a downloaded URL
// import is kept once fetched; a worker that claims a job whose file is not
// in its own audio directory writes it there from the database first
// (through audiofile.Write, so never partially). The database copy goes
// with the job: when it finishes without keeping its audio, or is deleted
// or expires.
type sharedAudio struct {
	*store.Postgres
	dir string
}

// CreateJob keeps the audio of an upload with the job, then removes the
// local copy: whichever node claims the job fetches it, so no node keeps
// the audio of jobs that others ran.
func (s sharedAudio) CreateJob(job store.Job, lim store.CreateLimits) (store.Job, bool, error) {
	if job.Source.AudioPath == "" {
		return s.Postgres.CreateJob(job, lim)
	}
	f, err := os.Open(job.Source.AudioPath)
	if err != nil {
		return store.Job{}, false, fmt.Errorf("shared audio: %w", err)
	}
	created, existing, err := s.Postgres.CreateJobWithAudio(job, lim, f)
	f.Close()
	if err == nil && !existing {
		_ = audiofile.Remove(s.dir, job.Source.AudioPath)
	}
	return created, existing, err
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

// localAudio writes the audio kept for job into this node's audio
// directory, unless it is there, and returns its path (server.Deps.FetchAudio).
func (s sharedAudio) localAudio(job store.Job) (string, error) {
	if _, err := os.Stat(job.Source.AudioPath); err == nil {
		return job.Source.AudioPath, nil
	}
	return audiofile.Write(s.dir, job.ID, func(out *os.File) error {
		_, err := s.Postgres.ReadAudio(job.ID, out)
		return err
	})
}

// Claim claims a job and makes sure its audio is in this node's audio
// directory. When that fails (the database went away, the disk is full) the
// claim is handed back without counting, and the error returned.
func (s sharedAudio) Claim(f store.ClaimFilter) (store.Job, error) {
	job, err := s.Postgres.Claim(f)
	if err != nil || job.Source.AudioPath == "" {
		return job, err
	}
	path, err := s.localAudio(job)
	if err != nil {
		rerr := s.Postgres.RequeueJob(job.ID, "", true)
		return store.Job{}, errors.Join(fmt.Errorf("shared audio of job %s: %w", job.ID, err), rerr)
	}
	job.Source.AudioPath = path
	return job, nil
}
