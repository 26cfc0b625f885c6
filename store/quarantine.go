package store

import "fmt"

// Quarantine after a crash. When the process dies with several jobs
// processing, nothing says which of them killed it, so RecoverOrphans does
// not charge that attempt to any of them: it refunds it and marks each one
// Job.Isolated, which indexes it in quarantine. While quarantine holds jobs,
// ClaimNext runs them one at a time, with nothing else beside them: it
// claims nothing while any job is processing, and otherwise only the oldest
// quarantined job the filter allows. A crash during such a run has exactly
// one suspect, so it is charged normally, and a job that crashes the
// process every time fails after MaxAttempts crashes of its own while the
// jobs it happened to run beside complete. A job leaves quarantine when it
// reaches a terminal state; then the queue resumes as usual.

// nextQuarantined picks the next quarantined job f may claim, or nil: nil
// while any job is processing, so that quarantined jobs run alone.
func (t *txn) nextQuarantined(f ClaimFilter) ([]byte, error) {
	if k, _ := t.bucket(bucketProcessing).Cursor().First(); k != nil {
		return nil, nil
	}
	c := t.bucket(bucketQuarantine).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		j, err := t.getJobByKey(k)
		if err != nil {
			return nil, fmt.Errorf("quarantine entry %s: %w", idString(k), err)
		}
		if j.Status == Queued && f.matches(&j) {
			return append([]byte(nil), k...), nil
		}
	}
	return nil, nil
}
