package store

import (
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// AudioChunk is the size of the rows that hold a job's audio in
// PostgreSQL: what CreateJobWithAudio and PutAudio hold in memory at once.
const AudioChunk = 1 << 20

// CreateJobWithAudio is CreateJob that also keeps the job's audio, read
// from audio, in the same transaction: when it returns, the job and its
// audio are both committed, or neither is. The audio is streamed in
// AudioChunk rows (COPY), so memory stays bounded whatever its length. An
// idempotent repeat (existing) reads nothing.
func (p *Postgres) CreateJobWithAudio(job Job, lim CreateLimits, audio io.Reader) (Job, bool, error) {
	return p.createJob(job, lim, audio)
}

// PutAudio replaces the audio kept for the processing job id, as a worker
// does after downloading a URL import, so that a retry on another node
// need not download it again.
func (p *Postgres) PutAudio(id string, audio io.Reader) error {
	err := p.update(func(t *pgtx) error {
		if _, err := t.processing(id, func(*Job) error { return nil }); err != nil {
			return err
		}
		return t.putAudio(id, audio)
	})
	if err != nil {
		return fmt.Errorf("store: put audio of job %s: %w", id, err)
	}
	return nil
}

// ReadAudio writes the audio kept for job id to w, chunk by chunk, and
// reports whether there was any; ErrNotFound when the job has none.
func (p *Postgres) ReadAudio(id string, w io.Writer) (int64, error) {
	var n int64
	err := p.update(func(t *pgtx) error {
		if _, ok := idBytes(id); !ok {
			return ErrNotFound
		}
		rows, err := t.tx.Query(t.ctx, "SELECT data FROM audio_chunks WHERE job_id = $1 ORDER BY seq", id)
		if err != nil {
			return err
		}
		defer rows.Close()
		chunks := 0
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return err
			}
			m, err := w.Write(b)
			n += int64(m)
			if err != nil {
				return fmt.Errorf("write audio: %w", err)
			}
			chunks++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if chunks == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("store: read audio of job %s: %w", id, err)
	}
	return n, nil
}

// dropAudio deletes the audio chunks of job id.
func (t *pgtx) dropAudio(id string) error {
	_, err := t.tx.Exec(t.ctx, "DELETE FROM audio_chunks WHERE job_id = $1", id)
	return err
}

// putAudio replaces a job's chunks with those read from r.
func (t *pgtx) putAudio(id string, r io.Reader) error {
	if err := t.dropAudio(id); err != nil {
		return err
	}
	src := &chunkSource{id: id, r: r, buf: make([]byte, AudioChunk)}
	if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"audio_chunks"}, []string{"job_id", "seq", "data"}, src); err != nil {
		return fmt.Errorf("copy audio: %w", err)
	}
	return nil
}

// chunkSource feeds COPY one chunk of r at a time, reusing its buffer.
type chunkSource struct {
	id   string
	r    io.Reader
	buf  []byte
	n    int
	seq  int
	err  error
	done bool
}

func (c *chunkSource) Next() bool {
	if c.done {
		return false
	}
	n, err := io.ReadFull(c.r, c.buf)
	switch {
	case errors.Is(err, io.EOF):
		c.done = true
		return false
	case errors.Is(err, io.ErrUnexpectedEOF):
		c.done = true // the last, short chunk
	case err != nil:
		c.err, c.done = fmt.Errorf("read audio: %w", err), true
		return false
	}
	c.n = n
	c.seq++
	return true
}

func (c *chunkSource) Values() ([]any, error) {
	return []any{c.id, c.seq, c.buf[:c.n]}, nil
}

func (c *chunkSource) Err() error { return c.err }
