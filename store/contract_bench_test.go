package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// BenchmarkCoordination measures a job's store round trips on each
// backend: the create, the claim, and the finish with its outbox entry.
// The PostgreSQL cluster runs with fsync off (pgtest), so its figure is
// the coordination cost, not the disk's.
func BenchmarkCoordination(b *testing.B) {
	backends := map[string]func(b *testing.B) store.Backend{
		"bbolt": func(b *testing.B) store.Backend {
			st, err := store.Open(filepath.Join(b.TempDir(), "b.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = st.Close() })
			return st
		},
		"postgres": func(b *testing.B) store.Backend {
			return openPostgres(b, pgtest.Database(b), time.Now)
		},
	}
	deliver := func(store.Job) *store.Delivery { return &store.Delivery{Event: "e"} }
	for name, open := range backends {
		b.Run(name+"/create", func(b *testing.B) {
			st := open(b)
			for b.Loop() {
				if _, _, err := st.CreateJob(store.Job{KeyID: "k"}, store.CreateLimits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/claim+finish", func(b *testing.B) {
			st := open(b)
			for range b.N {
				if _, _, err := st.CreateJob(store.Job{KeyID: "k", CallbackURL: "https://example.com/h"}, store.CreateLimits{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				j, err := st.ClaimNext()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := st.FinishJob(j.ID, store.Outcome{Status: store.Completed, Transcript: []byte(`{}`), Deliver: deliver}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
