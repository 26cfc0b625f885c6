package metrics

import (
	"errors"
	"io"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// Store is the store behind CountingStore: either backend. It is an alias,
// so that the embedded field keeps the name Store.
type Store = store.Backend

// CountingStore is a store that counts, in Jobs, the jobs created
// through it (jobs_created_total) and the queued jobs canceled through it
// (jobs_finished_total{status="canceled"}; a running job is counted by the
// worker pool when it stops). Give it to the API in place of the store:
// every other method is the store's own.
type CountingStore struct {
	Store
	Jobs *Jobs
}

// Backup is the store's hot backup, where it has one (bbolt).
func (s CountingStore) Backup(w io.Writer) (int64, error) {
	b, ok := s.Store.(interface {
		Backup(w io.Writer) (int64, error)
	})
	if !ok {
		return 0, errors.New("metrics: this store makes no backups; back up the database with its own tools (pg_dump)")
	}
	return b.Backup(w)
}

// CreateJob is store.Store.CreateJob, counting a job that was created
// rather than found by its idempotency key.
func (s CountingStore) CreateJob(job store.Job, lim store.CreateLimits) (store.Job, bool, error) {
	j, existing, err := s.Store.CreateJob(job, lim)
	if err == nil && !existing {
		source := SourceUpload
		if j.Source.URL != "" {
			source = SourceURL
		}
		s.Jobs.JobCreated(source)
	}
	return j, existing, err
}

// CancelJob is store.Store.CancelJob, counting a queued job it cancels.
func (s CountingStore) CancelJob(id, keyID string, build store.DeliveryFunc) (store.Job, error) {
	j, err := s.Store.CancelJob(id, keyID, build)
	if err == nil && j.Status == store.Canceled {
		s.Jobs.JobFinished(string(store.Canceled), 0, 0)
	}
	return j, err
}
