package store

import "errors"

// Sentinel errors. Methods wrap them with %w and the operation, so test with
// errors.Is.
var (
	// ErrNotFound means the job, key, delivery or transcript does not exist,
	// or belongs to another API key.
	ErrNotFound = errors.New("not found")

	// ErrNoJob is returned by ClaimNext when no job is queued.
	ErrNoJob = errors.New("no queued job")

	// ErrNotProcessing means a worker-side write was refused because the job
	// is no longer processing (it was finished, requeued or recovered).
	ErrNotProcessing = errors.New("job is not processing")

	// ErrNotPending means an attempt was recorded for a webhook delivery
	// that is no longer pending (it was delivered or failed).
	ErrNotPending = errors.New("delivery is not pending")

	// ErrQueueFull means the API key already has its maximum number of
	// queued and processing jobs.
	ErrQueueFull = errors.New("queue full")

	// ErrQuotaExceeded means the job would take the API key over its monthly
	// audio quota.
	ErrQuotaExceeded = errors.New("monthly quota exceeded")

	// ErrIdempotencyConflict means the idempotency key was used, within its
	// time to live, for a request with a different request hash.
	ErrIdempotencyConflict = errors.New("idempotency key reused with a different request")

	// ErrAlreadyFinished means the job is already in a terminal state.
	ErrAlreadyFinished = errors.New("job already finished")

	// ErrNotFinished means the operation needs a terminal job.
	ErrNotFinished = errors.New("job not finished")

	// ErrExists means a record with the same ID, or a key with the same hash,
	// already exists.
	ErrExists = errors.New("already exists")

	// ErrInvalid means an argument was malformed: an ID that is not a UUIDv7,
	// an unknown status, a bad list cursor.
	ErrInvalid = errors.New("invalid argument")

	// ErrLocked means another process holds the database file lock.
	ErrLocked = errors.New("database is locked by another process")

	// ErrUnavailable means the database could not be reached (PostgreSQL:
	// refused or lost connections, a server shutting down, a timeout). The
	// write did not happen or its outcome is unknown; retry later.
	ErrUnavailable = errors.New("database unavailable")

	// ErrSchema means the database file has a schema this build cannot use.
	ErrSchema = errors.New("unsupported database schema")
)
