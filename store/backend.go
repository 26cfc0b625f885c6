package store

import "time"

// Backend is the store contract the application runs on, whichever
// database stands behind it: *Store (bbolt, one process) and *Postgres
// (several nodes on one database) implement it, and the contract tests in
// store/storetest hold both to it. Each method is one transaction; every
// finishing write applies only while the job is in the state it expects.
type Backend interface {
	// Jobs, as the API sees them.
	CreateJob(job Job, lim CreateLimits) (Job, bool, error)
	GetJob(id string) (Job, error)
	GetJobForKey(id, keyID string) (Job, error)
	GetTranscript(id string) ([]byte, error)
	ListJobs(keyID string, status Status, limit int, cursor string) ([]Job, string, error)
	CancelJob(id, keyID string, build DeliveryFunc) (Job, error)
	DeleteJob(id, keyID string) (Job, error)
	SetSpeakerNames(id, keyID string, names map[string]string) (Job, error)

	// Jobs, as the workers see them.
	RecoverOrphans(build DeliveryFunc) (requeued, finished []Job, err error)
	Claim(f ClaimFilter) (Job, error)
	ClaimNext() (Job, error)
	UpdateProgress(id string, stage string, progress int) (cancelRequested bool, err error)
	SetAudio(id string, src Source, duration time.Duration) error
	FinishJob(id string, out Outcome) (Job, error)
	RequeueJob(id string, reason string, refundAttempt bool) error
	ReserveAudio(id string, d time.Duration) error

	// Retention.
	ExpireJobs(before time.Time, limit int) ([]Job, error)

	// API keys.
	CreateKey(k Key) (Key, error)
	KeyByHash(hash [32]byte) (Key, error)
	GetKey(id string) (Key, error)
	ListKeys() ([]Key, error)
	RevokeKey(id string) (Key, error)
	CountKeys() (int, error)

	// Usage and quotas.
	Usage(keyID string, month time.Time) (float64, error)
	QuotaUsage(keyID string, month time.Time) (MonthUsage, error)

	// The webhook outbox and its delivery log.
	DueEntries(now time.Time, after DueEntry, limit int) ([]DueEntry, error)
	GetDelivery(id string) (Delivery, error)
	NextDeliveryAt() (time.Time, bool, error)
	RecordDeliveryAttempt(id string, a DeliveryAttempt, result DeliveryResult) (Delivery, error)
	DeliveriesForJob(jobID string) ([]Delivery, error)
	Redeliver(jobID string) (Delivery, error)
	RedeliverWith(jobID string, payload func(Job) []byte) (Delivery, error)

	// Secrets (the download URL signing key).
	Secrets(name string, size int) ([]SecretVersion, error)
	Secret(name string, size int) ([]byte, error)
	RotateSecret(name string, size int, dropRetiredBefore time.Time) ([]SecretVersion, error)

	// Health and gauges.
	Stats() (Stats, error)
	Ping() error
	Close() error
}

var _ Backend = (*Store)(nil)
