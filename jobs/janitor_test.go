package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/store"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// finishedJob stores a completed job that ended at the store clock's time,
// keeping a file in dir as its audio.
func finishedJob(t *testing.T, st *store.Store, dir string) store.Job {
	t.Helper()
	job := addUpload(t, st, dir, store.Job{}, []byte("audio"))
	if _, err := st.ClaimNext(); err != nil {
		t.Fatal(err)
	}
	job, err := st.FinishJob(job.ID, store.Outcome{Status: store.Completed, Transcript: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	return job
}

func TestJanitor(t *testing.T) {
	dir := t.TempDir()
	storeClock := e2e.NewClock(t0)
	st := newStore(t, storeClock.Now)
	var old []store.Job
	for range 3 {
		old = append(old, finishedJob(t, st, dir))
	}
	storeClock.Set(t0.Add(29 * 24 * time.Hour))
	recent := finishedJob(t, st, dir)
	queued := addUpload(t, st, dir, store.Job{}, []byte("audio"))

	clock := e2e.NewClock(t0.Add(31 * 24 * time.Hour))
	stale := filepath.Join(dir, "crashed.audio.123.tmp")
	fresh := filepath.Join(dir, "writing.audio.456.tmp")
	for path, age := range map[string]time.Duration{stale: time.Hour, fresh: time.Minute} {
		if err := os.WriteFile(path, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		mtime := clock.Now().Add(-age)
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}

	logger, logs := newLogger(t)
	j := NewJanitor(JanitorConfig{RetentionDays: 30, Interval: 20 * time.Millisecond, AudioDir: dir}, st, logger, WithClock(clock.Now))
	j.batch = 2
	if err := j.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := j.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})

	// The log line comes after the last batch's audio is removed.
	waitLog(t, logs, "expired finished jobs", "jobs=3")
	for _, job := range old {
		waitGone(t, st, job.ID)
		if _, err := os.Stat(job.Source.AudioPath); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("audio of expired job %s: stat err %v; want it deleted", job.ID, err)
		}
	}
	for _, job := range []store.Job{recent, queued} {
		if _, err := st.GetJob(job.ID); err != nil {
			t.Errorf("job %s within retention or active: %v; want it kept", job.ID, err)
		}
		if _, err := os.Stat(job.Source.AudioPath); err != nil {
			t.Errorf("audio of kept job %s: %v", job.ID, err)
		}
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file: stat err %v; want it removed", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("temporary file being written: %v; want it kept", err)
	}
	if logs.count("expired finished jobs", "jobs=3") != 1 {
		t.Errorf("want one log line for the 3 expired jobs (in batches of 2)")
	}

	// Time passes: the recent job expires on a later tick.
	clock.Set(t0.Add(60 * 24 * time.Hour))
	waitGone(t, st, recent.ID)
}

func TestJanitorRetentionOff(t *testing.T) {
	dir := t.TempDir()
	storeClock := e2e.NewClock(t0)
	st := newStore(t, storeClock.Now)
	job := finishedJob(t, st, dir)
	stale := filepath.Join(dir, "crashed.tmp")
	if err := os.WriteFile(stale, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	clock := e2e.NewClock(time.Now().Add(365 * 24 * time.Hour))
	logger, logs := newLogger(t)
	j := NewJanitor(JanitorConfig{Interval: time.Millisecond, AudioDir: dir}, st, logger, WithClock(clock.Now))
	if err := j.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Start sweeps the temporary files itself and, with retention off,
	// starts no expiry loop, which it says; nothing to wait for.
	if logs.count("retention off") != 1 {
		t.Errorf("no log line saying retention is off")
	}
	if err := j.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetJob(job.ID); err != nil {
		t.Errorf("job with retention off: %v; want it kept", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file: stat err %v; want it removed even with retention off", err)
	}
}

func TestJanitorStoreErrors(t *testing.T) {
	st := &failingExpirer{}
	clock := e2e.NewClock(t0)
	logger, logs := newLogger(t)
	j := NewJanitor(JanitorConfig{RetentionDays: 1, Interval: time.Millisecond}, st, logger, WithClock(clock.Now))
	if err := j.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for st.count() < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := j.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := st.count(); n < 5 {
		t.Fatalf("ExpireJobs called %d times; want a retry every tick", n)
	}
	if n := logs.count("expire jobs failed"); n != 1 {
		t.Errorf("%d log lines for repeated failures within a minute; want 1", n)
	}
}

type failingExpirer struct {
	mu    sync.Mutex
	calls int
}

func (f *failingExpirer) ExpireJobs(time.Time, int) ([]store.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return nil, errors.New("store: expire jobs: disk full")
}

func (f *failingExpirer) GetJob(id string) (store.Job, error) {
	return store.Job{}, store.ErrNotFound
}

func (f *failingExpirer) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// waitGone waits until the job has been deleted.
// waitLog waits until logs holds a line with every one of parts.
func waitLog(t *testing.T, logs *logBuffer, parts ...string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); logs.count(parts...) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q", parts)
		}
	}
}

func waitGone(t *testing.T, st *store.Store, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := st.GetJob(id)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s not expired: %v", id, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestJanitorRemovesOrphanAudio: audio with no job (a crash between saving
// an upload and committing its job) and audio of a finished job that was
// not retained are removed at start; a queued job's and a retained job's
// audio stay.
func TestJanitorRemovesOrphanAudio(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	orphan := filepath.Join(dir, "01a21e00-0000-7000-8000-000000000001.audio")
	id := "01a21e00-0000-7000-8000-000000000002"
	queued := createJob(t, st, store.Job{ID: id, Source: store.Source{AudioPath: filepath.Join(dir, id+".audio")}})
	for _, p := range []string{orphan, queued.Source.AudioPath} {
		if err := os.WriteFile(p, []byte("RIFF"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j := NewJanitor(JanitorConfig{AudioDir: dir}, st, nil)
	if err := j.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer j.Stop(context.Background())
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("orphan audio: stat err %v, want it removed", err)
	}
	if _, err := os.Stat(queued.Source.AudioPath); err != nil {
		t.Errorf("queued job's audio: %v, want it kept", err)
	}
}
