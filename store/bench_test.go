package store

import "testing"

// Each CreateJob is a write transaction and so an fsync; the figure is
// mostly the disk's sync latency.
func BenchmarkCreateJob(b *testing.B) {
	s := newTestStore(b, nil)
	job := Job{KeyID: "k1", Source: Source{AudioPath: "audio/x.wav", Filename: "x.wav", Size: 1 << 20}}
	for b.Loop() {
		if _, _, err := s.CreateJob(job, CreateLimits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetJob(b *testing.B) {
	s := newTestStore(b, nil)
	var ids []string
	for range 1000 {
		ids = append(ids, mustCreate(b, s, Job{KeyID: "k1"}).ID)
	}
	i := 0
	for b.Loop() {
		if _, err := s.GetJob(ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
