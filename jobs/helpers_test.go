package jobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/engine/enginetest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// jfkPhrase is what the real model must hear in jfk.wav.
const jfkPhrase = "ask not what your country can do for you"

const jfkPath = "../testdata/jfk.wav"

// testModel is the real model, loaded once for the whole package.
func testModel(t *testing.T) Model { return EngineModel(enginetest.Model(t)) }

// jfkWAV returns the bytes of jfk.wav.
func jfkWAV(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// longWAV returns jfk.wav repeated to at least d, as a 16 kHz 16-bit WAV,
// for jobs that must still be transcribing when the test acts.
func longWAV(t *testing.T, d time.Duration) []byte {
	t.Helper()
	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := int(d.Seconds() * audio.SampleRate)
	data := make([]byte, 0, 2*n)
	for i := 0; len(data) < 2*n; i++ {
		v := pcm.Samples[i%len(pcm.Samples)]
		data = binary.LittleEndian.AppendUint16(data, uint16(int16(v*32767)))
	}
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + len(data)))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))                    // PCM
	le(uint16(1))                    // mono
	le(uint32(audio.SampleRate))     // sample rate
	le(uint32(2 * audio.SampleRate)) // byte rate
	le(uint16(2))                    // block align
	le(uint16(16))                   // bits per sample
	b.WriteString("data")
	le(uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

var nonWord = regexp.MustCompile(`[^a-z ]+`)

// normalize lower-cases text and drops punctuation, for phrase matching.
func normalize(s string) string {
	return strings.Join(strings.Fields(nonWord.ReplaceAllString(strings.ToLower(s), "")), " ")
}

// newStore opens a store on a fresh bbolt file in t.TempDir() and closes it
// when the test ends; now may be nil for time.Now.
func newStore(t *testing.T, now func() time.Time) *store.Store {
	t.Helper()
	return openStore(t, filepath.Join(t.TempDir(), "instanttranscriber.db"), now)
}

func openStore(t *testing.T, path string, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{Now: now, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

// newKey creates an API key with a quota (0 unlimited).
func newKey(t *testing.T, st *store.Store, quotaSeconds int64) store.Key {
	t.Helper()
	k, err := st.CreateKey(store.Key{Name: "test", Hash: sha256.Sum256([]byte(rand.Text())), QuotaSeconds: quotaSeconds})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// addUpload writes data into dir, as the server saves an upload, and
// queues a job for it with the file's path, as the server records it.
func addUpload(t *testing.T, st *store.Store, dir string, job store.Job, data []byte) store.Job {
	t.Helper()
	f, err := os.CreateTemp(dir, "upload-*.wav")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	job.Source.AudioPath = f.Name()
	job.Source.Filename = "speech.wav"
	job.Source.Size = int64(len(data))
	return createJob(t, st, job)
}

func createJob(t *testing.T, st *store.Store, job store.Job) store.Job {
	t.Helper()
	if job.Options.Language == "" {
		job.Options.Language = "en"
	}
	job, _, err := st.CreateJob(job, store.CreateLimits{})
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// testConfig is a lean configuration for the 2-core test machine: one
// greedy worker, quick progress and polling.
func testConfig(dir string) Config {
	cfg := DefaultConfig()
	cfg.Workers = 1
	cfg.ThreadsPerJob = 2
	cfg.BeamSize = 1
	cfg.AudioDir = dir
	cfg.ProgressInterval = 50 * time.Millisecond
	cfg.PollInterval = 50 * time.Millisecond
	cfg.ShutdownGrace = 5 * time.Second
	return cfg
}

// testDeliveries builds a delivery whose payload names the job's status.
func testDeliveries(j store.Job) *store.Delivery {
	return &store.Delivery{Payload: []byte(`{"id":"` + j.ID + `","status":"` + string(j.Status) + `"}`)}
}

// startPool starts a pool and stops it when the test ends, before the
// store closes.
func startPool(t *testing.T, cfg Config, st Store, fetch *http.Client, logger *slog.Logger, opts ...Option) *Pool {
	t.Helper()
	if logger == nil {
		logger, _ = newLogger(t)
	}
	p := New(cfg, testModel(t), st, fetch, testDeliveries, logger, opts...)
	e2e.StartService(t, t.Context(), p, 30*time.Second)
	return p
}

// waitJob polls until the job satisfies done, and returns it.
func waitJob(t *testing.T, st *store.Store, id string, done func(store.Job) bool) store.Job {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		j, err := st.GetJob(id)
		if err != nil {
			t.Fatalf("GetJob: %v", err)
		}
		if done(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s at stage %q after 60 s", id, j.Status, j.Stage)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFinished waits for a terminal state.
func waitFinished(t *testing.T, st *store.Store, id string) store.Job {
	t.Helper()
	return waitJob(t, st, id, func(j store.Job) bool { return j.Status.Terminal() })
}

// logBuffer collects log output; it is printed if the test fails.
type logBuffer struct{ e2e.Buffer }

// count returns the number of log lines containing all of parts.
func (b *logBuffer) count(parts ...string) int {
	n := 0
	for line := range strings.Lines(b.String()) {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			n++
		}
	}
	return n
}

func newLogger(t *testing.T) (*slog.Logger, *logBuffer) {
	t.Helper()
	b := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", b.String())
		}
	})
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// progressCall is one recorded UpdateProgress.
type progressCall struct {
	id    string
	stage string
	pct   int
	at    time.Time
}

// recStore wraps the real store and records the worker's progress writes
// and finishes.
type recStore struct {
	*store.Store

	mu       sync.Mutex
	progress []progressCall
	finished map[string]time.Time
}

func newRecStore(st *store.Store) *recStore {
	return &recStore{Store: st, finished: map[string]time.Time{}}
}

func (r *recStore) UpdateProgress(id, stage string, pct int) (bool, error) {
	r.mu.Lock()
	r.progress = append(r.progress, progressCall{id: id, stage: stage, pct: pct, at: time.Now()})
	r.mu.Unlock()
	return r.Store.UpdateProgress(id, stage, pct)
}

func (r *recStore) FinishJob(id string, out store.Outcome) (store.Job, error) {
	j, err := r.Store.FinishJob(id, out)
	r.mu.Lock()
	r.finished[id] = time.Now()
	r.mu.Unlock()
	return j, err
}

// calls returns the recorded progress writes of one job.
func (r *recStore) calls(id string) []progressCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []progressCall
	for _, c := range r.progress {
		if c.id == id {
			out = append(out, c)
		}
	}
	return out
}

// stageStart returns when the job first reported stage.
func (r *recStore) stageStart(id, stage string) (time.Time, bool) {
	for _, c := range r.calls(id) {
		if c.stage == stage {
			return c.at, true
		}
	}
	return time.Time{}, false
}

// waitStage waits until the job has reported stage.
func (r *recStore) waitStage(t *testing.T, id, stage string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, ok := r.stageStart(id, stage); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s never reached stage %s", id, stage)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
