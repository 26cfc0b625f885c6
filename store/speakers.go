package store

import (
	"fmt"
	"maps"
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
		if job.Status != Completed {
			return ErrNotFinished
		}
		next := job
		next.SpeakerNames = maps.Clone(job.SpeakerNames)
		if next.SpeakerNames == nil {
			next.SpeakerNames = make(map[string]string, len(names))
		}
		for label, name := range names {
			if name == "" {
				delete(next.SpeakerNames, label)
			} else {
				next.SpeakerNames[label] = name
			}
		}
		if len(next.SpeakerNames) == 0 {
			next.SpeakerNames = nil
		}
		if maps.Equal(next.SpeakerNames, job.SpeakerNames) {
			out = job
			return nil
		}
		out = next
		return tx.putJob(&job, next)
	})
	if err != nil {
		return Job{}, fmt.Errorf("store: set speaker names of job %s: %w", id, err)
	}
	return out, nil
}
