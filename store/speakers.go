package store

import (
	"fmt"
)

// SetSpeakerNames names the speakers of the completed job id, which keyID
// must own, in one transaction: each label in names gets its name, and a
// label whose name is "" loses it; labels not in names keep theirs. The
// store does not check the labels against the transcript (the caller
// does). It returns the job as stored; ErrNotFound for a missing job or
// another key's, and ErrNotFinished when the job is not completed.
// Setting the same names again changes nothing.
func (s *Store) SetSpeakerNames(id, keyID string, names map[string]string) (Job, error) {
	var out Job
	err := s.update(func(tx *txn) error {
		job, err := tx.ownedJob(id, keyID)
		if err != nil {
			return err
		}
		next, changed, err := renameSpeakers(job, names)
		if err != nil || !changed {
			out = job
			return err
		}
		out = next
		return tx.putJob(&job, next)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: set speaker names of job %s: %w", id, err)
	}
	return out, nil
}
