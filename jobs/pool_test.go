package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// recordingProcessor records its calls and labels every segment.
type recordingProcessor struct {
	name  string
	mu    *sync.Mutex
	order *[]string
	rec   *recStore
}

func (p recordingProcessor) Name() string { return p.name }

func (p recordingProcessor) Stage(store.Job) string { return StagePostProcessing }

func (p recordingProcessor) Process(_ context.Context, job store.Job, t *transcript.Transcript, audio Audio) error {
	samples := audio.Samples
	p.mu.Lock()
	defer p.mu.Unlock()
	stage := ""
	if calls := p.rec.calls(job.ID); len(calls) > 0 {
		stage = calls[len(calls)-1].stage
	}
	*p.order = append(*p.order, fmt.Sprintf("%s:%s:%d", p.name, stage, len(samples)/16000))
	for i := range t.Segments {
		t.Segments[i].Speaker = p.name
	}
	return nil
}

func TestUploadJob(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	rec := newRecStore(st)
	logger, logs := newLogger(t)
	var (
		mu    sync.Mutex
		order []string
	)
	pp := []PostProcessor{
		recordingProcessor{name: "first", mu: &mu, order: &order, rec: rec},
		recordingProcessor{name: "second", mu: &mu, order: &order, rec: rec},
	}
	key := newKey(t, st, 3600)
	job := addUpload(t, st, dir, store.Job{KeyID: key.ID, CallbackURL: "https://example.com/hook", CallbackSecret: "s3cret"}, jfkWAV(t))
	audioFile := job.Source.AudioPath

	started := time.Now()
	p := startPool(t, testConfig(dir), rec, nil, logger, WithPostProcessors(pp...))
	got := waitFinished(t, st, job.ID)
	elapsed := time.Since(started)
	// Stop waits for the worker, so its log lines are all written.
	if err := p.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}

	if got.Status != store.Completed || got.Progress != 100 || got.Stage != store.StageDone || got.Attempt != 1 {
		t.Fatalf("job = %s stage %s progress %d attempt %d, error %+v; want completed, done, 100, 1", got.Status, got.Stage, got.Progress, got.Attempt, got.Error)
	}
	if got.Language != "en" || got.AudioDuration.Round(time.Millisecond) != 11*time.Second {
		t.Errorf("language %q, audio duration %v; want en, 11s", got.Language, got.AudioDuration)
	}

	raw, err := st.GetTranscript(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tr export.JSONTranscript
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatalf("transcript is not the JSON export: %v", err)
	}
	if !strings.Contains(normalize(tr.Text), jfkPhrase) {
		t.Errorf("transcript text = %q; want it to contain %q", tr.Text, jfkPhrase)
	}
	if len(tr.Segments) == 0 || len(tr.Segments[0].Words) == 0 {
		t.Errorf("transcript has no segments or no words: %s", raw)
	}
	for _, s := range tr.Segments {
		if s.Speaker != "second" {
			t.Errorf("segment speaker = %q; want the last post-processor's label %q", s.Speaker, "second")
		}
	}
	mu.Lock()
	if want := []string{"first:post_processing:11", "second:post_processing:11"}; strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("post-processor calls = %v; want %v", order, want)
	}
	mu.Unlock()

	if used, err := st.Usage(key.ID, time.Now()); err != nil || used < 10.9 || used > 11.1 {
		t.Errorf("usage = %v, %v; want about 11 s", used, err)
	}
	if err := waitFileGone(audioFile); err != nil {
		t.Errorf("audio file after completion: %v; want it deleted", err)
	}
	if got.Source.AudioPath != "" {
		t.Errorf("Source.AudioPath = %q; want it cleared", got.Source.AudioPath)
	}

	ds, err := st.DeliveriesForJob(job.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries = %+v, %v; want one", ds, err)
	}
	if want := `{"id":"` + job.ID + `","status":"completed"}`; string(ds[0].Payload) != want || ds[0].URL != job.CallbackURL || ds[0].Status != store.DeliveryPending {
		t.Errorf("delivery = %+v (payload %s); want pending to %s with payload %s", ds[0], ds[0].Payload, job.CallbackURL, want)
	}

	// Progress: stages in order, never decreasing, throttled.
	calls := rec.calls(job.ID)
	var stages []string
	for i, c := range calls {
		if len(stages) == 0 || stages[len(stages)-1] != c.stage {
			stages = append(stages, c.stage)
		}
		if i > 0 && c.pct < calls[i-1].pct {
			t.Errorf("progress went down: %+v then %+v", calls[i-1], c)
		}
	}
	if want := []string{StageDecoding, StageTranscribing, StagePostProcessing}; strings.Join(stages, ",") != strings.Join(want, ",") {
		t.Errorf("stages = %v; want %v", stages, want)
	}
	last := calls[len(calls)-1]
	// Two post-processors share 95-100: the second starts at 97.
	if last.pct != progressPost+(100-progressPost)/2 {
		t.Errorf("last progress write = %+v; want %d for the second post-processor", last, progressPost+(100-progressPost)/2)
	}
	if maxCalls := 3 + int(elapsed/(50*time.Millisecond)) + 2; len(calls) > maxCalls {
		t.Errorf("%d progress writes in %v; want at most %d at one per 50 ms plus stage changes", len(calls), elapsed, maxCalls)
	}
	if n := logs.count("job finished", "job_id="+job.ID, "status=completed"); n != 1 {
		t.Errorf("%d 'job finished' log lines for the job; want 1", n)
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Error("the callback secret was logged")
	}
}

func TestBadAudio(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text file", []byte("this is not audio, just some text\n"), failure.UnsupportedMedia},
		{"empty file", nil, failure.EmptyAudio},
		{"truncated header", jfkWAV(t)[:30], failure.InvalidAudio},
	}
	jobs := make([]store.Job, len(tests))
	for i, tt := range tests {
		jobs[i] = addUpload(t, st, dir, store.Job{CallbackURL: "https://example.com/hook"}, tt.data)
	}
	missing := createJob(t, st, store.Job{Source: store.Source{AudioPath: filepath.Join(dir, "no-such-file.wav")}})
	startPool(t, testConfig(dir), st, nil, nil)

	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := waitFinished(t, st, jobs[i].ID)
			if got.Status != store.Failed || got.Error == nil || got.Error.Code != tt.want {
				t.Fatalf("job = %s, error %+v; want failed with %s", got.Status, got.Error, tt.want)
			}
			if got.Error.Message == "" || strings.Contains(got.Error.Message, dir) || strings.Contains(got.Error.Message, "\n") {
				t.Errorf("message %q; want a one-line message without paths", got.Error.Message)
			}
			if len(got.Errors) != 1 || got.Errors[0].Code != tt.want || got.Errors[0].Attempt != 1 {
				t.Errorf("attempt errors = %+v; want one for attempt 1 with %s", got.Errors, tt.want)
			}
			if err := waitFileGone(jobs[i].Source.AudioPath); err != nil {
				t.Errorf("audio of a failed job: %v; want it deleted", err)
			}
			ds, err := st.DeliveriesForJob(got.ID)
			if err != nil || len(ds) != 1 || !strings.Contains(string(ds[0].Payload), `"status":"failed"`) {
				t.Errorf("deliveries = %+v, %v; want one announcing the failure", ds, err)
			}
		})
	}
	if got := waitFinished(t, st, missing.ID); got.Status != store.Failed || got.Error.Code != failure.AudioMissing {
		t.Errorf("missing file: job = %s, error %+v; want failed with %s", got.Status, got.Error, failure.AudioMissing)
	}
}

func TestCancel(t *testing.T) {
	long := longWAV(t, 180*time.Second)
	tests := []struct {
		name   string
		cancel func(t *testing.T, p *Pool, st *store.Store, job store.Job)
	}{
		{"Cancel", func(t *testing.T, p *Pool, _ *store.Store, job store.Job) {
			if p.Cancel("0190b9a0-0000-7000-8000-000000000000") {
				t.Error("Cancel of a job not running here = true")
			}
			if !p.Cancel(job.ID) {
				t.Error("Cancel of the running job = false")
			}
		}},
		{"store flag", func(t *testing.T, _ *Pool, st *store.Store, job store.Job) {
			j, err := st.CancelJob(job.ID, job.KeyID, nil)
			if err != nil || !j.CancelRequested {
				t.Fatalf("CancelJob = %+v, %v", j, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st := newStore(t, nil)
			rec := newRecStore(st)
			key := newKey(t, st, 0)
			job := addUpload(t, st, dir, store.Job{KeyID: key.ID, CallbackURL: "https://example.com/hook"}, long)
			p := startPool(t, testConfig(dir), rec, nil, nil)
			rec.waitStage(t, job.ID, StageTranscribing)
			time.Sleep(100 * time.Millisecond) // well inside whisper

			canceled := time.Now()
			tt.cancel(t, p, st, job)
			got := waitFinished(t, st, job.ID)
			took := time.Since(canceled)
			if got.Status != store.Canceled || got.Error != nil {
				t.Fatalf("job = %s, error %+v; want canceled", got.Status, got.Error)
			}
			// Whisper was aborted, not left to finish the 180 s: its
			// progress never got far. (How fast an abort is belongs to a
			// benchmark, not to a timed test.)
			if pct := lastTranscribing(rec, job.ID); pct >= 50 {
				t.Errorf("transcription reached %d%% before the job ended (%v after the cancel); want whisper aborted early", pct, took)
			}
			if _, err := st.GetTranscript(job.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("transcript of a canceled job: %v; want none", err)
			}
			if used, _ := st.Usage(key.ID, time.Now()); used != 0 {
				t.Errorf("usage = %v; want nothing charged", used)
			}
			ds, err := st.DeliveriesForJob(job.ID)
			if err != nil || len(ds) != 1 || !strings.Contains(string(ds[0].Payload), `"status":"canceled"`) {
				t.Errorf("deliveries = %+v, %v; want one announcing the cancel", ds, err)
			}
			waitRunning(t, p, 0)
		})
	}
}

// lastTranscribing is the highest progress the job reported while
// transcribing (0 when it reported none).
func lastTranscribing(rec *recStore, id string) int {
	pct := 0
	for _, c := range rec.calls(id) {
		if c.stage == StageTranscribing && c.pct > pct {
			pct = c.pct
		}
	}
	return pct
}

// waitRunning waits for Running to report n.
func waitRunning(t *testing.T, p *Pool, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.Running() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Running = %d; want %d", p.Running(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStop(t *testing.T) {
	t.Run("interrupts and requeues after the grace period", func(t *testing.T) {
		dir := t.TempDir()
		st := newStore(t, nil)
		rec := newRecStore(st)
		job := addUpload(t, st, dir, store.Job{}, longWAV(t, 180*time.Second))
		cfg := testConfig(dir)
		cfg.ShutdownGrace = 200 * time.Millisecond
		p := startPool(t, cfg, rec, nil, nil)
		rec.waitStage(t, job.ID, StageTranscribing)
		if n := p.Running(); n != 1 {
			t.Errorf("Running = %d; want 1", n)
		}

		stopping := time.Now()
		if err := p.Stop(t.Context()); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if pct := lastTranscribing(rec, job.ID); pct >= 50 {
			t.Errorf("transcription reached %d%% before Stop returned (after %v); want whisper aborted after the grace period", pct, time.Since(stopping))
		}
		got, err := st.GetJob(job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.Queued || got.Attempt != 0 || len(got.Errors) != 0 || got.Stage != store.StageQueued || got.Progress != 0 {
			t.Errorf("job after Stop = %s attempt %d stage %s progress %d errors %+v; want queued, attempt refunded to 0, no errors",
				got.Status, got.Attempt, got.Stage, got.Progress, got.Errors)
		}
		if _, err := os.Stat(job.Source.AudioPath); err != nil {
			t.Errorf("audio of the requeued job: %v; want it kept", err)
		}
		if n := p.Running(); n != 0 {
			t.Errorf("Running after Stop = %d; want 0", n)
		}
		if err := p.Stop(t.Context()); err != nil {
			t.Errorf("second Stop: %v", err)
		}
	})

	t.Run("lets a job finish within the grace period", func(t *testing.T) {
		dir := t.TempDir()
		st := newStore(t, nil)
		rec := newRecStore(st)
		job := addUpload(t, st, dir, store.Job{}, jfkWAV(t))
		cfg := testConfig(dir)
		cfg.ShutdownGrace = 30 * time.Second
		p := startPool(t, cfg, rec, nil, nil)
		rec.waitStage(t, job.ID, StageTranscribing)
		if err := p.Stop(t.Context()); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if got, _ := st.GetJob(job.ID); got.Status != store.Completed {
			t.Errorf("job after Stop = %s; want completed within the grace period", got.Status)
		}
	})
}

// leftByCrash writes jobs as a process that died left them: created with
// jfk.wav's audio in dir, the first claimed of them still processing, and
// the store file closed. It returns the file's path and the jobs.
func leftByCrash(t *testing.T, dir string, claimed int, jobs ...store.Job) (string, []store.Job) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "instanttranscriber.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := range jobs {
		jobs[i] = addUpload(t, st, dir, j, jfkWAV(t))
	}
	for range claimed {
		if _, err := st.ClaimNext(); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path, jobs
}

func TestRecoverOrphans(t *testing.T) {
	dir := t.TempDir()
	// A previous process claimed one job and died: the crash is its own.
	path, left := leftByCrash(t, dir, 1, store.Job{MaxAttempts: 1, CallbackURL: "https://example.com/hook"}, store.Job{})
	spent, orphan := left[0], left[1]

	st := openStore(t, path, nil)
	logger, logs := newLogger(t)
	startPool(t, testConfig(dir), st, nil, logger)

	got := waitFinished(t, st, orphan.ID)
	if got.Status != store.Completed || got.Attempt != 1 {
		t.Errorf("queued job = %s attempt %d; want completed on attempt 1", got.Status, got.Attempt)
	}

	got, _ = st.GetJob(spent.ID)
	if got.Status != store.Failed || got.Error == nil || got.Error.Code != store.CodeInterrupted {
		t.Errorf("orphan with no attempts left = %s, %+v; want failed interrupted", got.Status, got.Error)
	}
	if ds, _ := st.DeliveriesForJob(spent.ID); len(ds) != 1 || !strings.Contains(string(ds[0].Payload), `"status":"failed"`) {
		t.Errorf("deliveries of the failed orphan = %+v; want one from the DeliveryFunc", ds)
	}
	if n := logs.count("finished job interrupted", "job_id="+spent.ID); n != 1 {
		t.Errorf("%d log lines about finishing the spent orphan; want 1", n)
	}
	if _, err := os.Stat(spent.Source.AudioPath); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("audio of the failed orphan: stat err %v; want it removed", err)
	}
}

// TestRecoverSharedCrash: two jobs were processing when the process died,
// so neither is charged; both are requeued and then run one at a time,
// even with two workers.
func TestRecoverSharedCrash(t *testing.T) {
	dir := t.TempDir()
	path, left := leftByCrash(t, dir, 2, store.Job{MaxAttempts: 1}, store.Job{MaxAttempts: 1})
	a, b := left[0], left[1]

	st := openStore(t, path, nil)
	logger, logs := newLogger(t)
	cfg := testConfig(dir)
	cfg.Workers, cfg.ThreadsPerJob = 2, 1
	startPool(t, cfg, st, nil, logger)

	var jobs []store.Job
	for _, j := range []store.Job{a, b} {
		got := waitFinished(t, st, j.ID)
		if got.Status != store.Completed || got.Attempt != 1 || !got.Isolated {
			t.Errorf("job %s = %s attempt %d isolated %v; want completed on attempt 1, isolated", j.ID, got.Status, got.Attempt, got.Isolated)
		}
		if len(got.Errors) != 1 || got.Errors[0].Code != store.CodeInterrupted || got.Errors[0].Attempt != 1 {
			t.Errorf("job %s errors = %+v; want attempt 1 interrupted", j.ID, got.Errors)
		}
		if n := logs.count("requeued job interrupted", "job_id="+j.ID); n != 1 {
			t.Errorf("%d log lines about requeueing job %s; want 1", n, j.ID)
		}
		jobs = append(jobs, got)
	}
	// One at a time: the second started after the first completed.
	first, second := jobs[0], jobs[1]
	if second.StartedAt.Before(first.StartedAt) {
		first, second = second, first
	}
	if second.StartedAt.Before(first.CompletedAt) {
		t.Errorf("isolated jobs overlapped: %s ran %s-%s, %s started %s", first.ID, first.StartedAt, first.CompletedAt, second.ID, second.StartedAt)
	}
}

func TestConcurrentWorkers(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	rec := newRecStore(st)
	a := addUpload(t, st, dir, store.Job{}, jfkWAV(t))
	b := addUpload(t, st, dir, store.Job{}, jfkWAV(t))
	cfg := testConfig(dir)
	cfg.Workers, cfg.ThreadsPerJob = 2, 1
	p := startPool(t, cfg, rec, nil, nil)

	for _, j := range []store.Job{a, b} {
		got := waitFinished(t, st, j.ID)
		if got.Status != store.Completed {
			t.Fatalf("job %s = %s, %+v; want completed", j.ID, got.Status, got.Error)
		}
		raw, _ := st.GetTranscript(j.ID)
		if !strings.Contains(normalize(string(raw)), jfkPhrase) {
			t.Errorf("transcript of %s lacks the phrase: %s", j.ID, raw)
		}
	}
	startA, _ := rec.stageStart(a.ID, StageTranscribing)
	startB, _ := rec.stageStart(b.ID, StageTranscribing)
	rec.mu.Lock()
	endA, endB := rec.finished[a.ID], rec.finished[b.ID]
	rec.mu.Unlock()
	if !startA.Before(endB) || !startB.Before(endA) {
		t.Errorf("transcriptions did not overlap: a %v-%v, b %v-%v", startA, endA, startB, endB)
	}
	waitRunning(t, p, 0)
}

// failingProcessor fails or panics for chosen jobs.
type failingProcessor struct {
	fail  map[string]error
	panic map[string]bool
}

func (failingProcessor) Name() string { return "diarizer" }

func (failingProcessor) Stage(store.Job) string { return "diarizing" }

func (f failingProcessor) Process(_ context.Context, job store.Job, _ *transcript.Transcript, _ Audio) error {
	if f.panic[job.ID] {
		panic("diarizer bug")
	}
	return f.fail[job.ID]
}

func TestPostProcessorFailures(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, nil)
	short := longWAV(t, 2*time.Second)
	plain := addUpload(t, st, dir, store.Job{}, short)
	coded := addUpload(t, st, dir, store.Job{}, short)
	panics := addUpload(t, st, dir, store.Job{}, short)
	after := addUpload(t, st, dir, store.Job{}, []byte("not audio"))
	pp := failingProcessor{
		fail: map[string]error{
			plain.ID: errors.New("model file /secret/path missing"),
			coded.ID: &Error{Code: "diarization_failed", Message: "too many speakers"},
		},
		panic: map[string]bool{panics.ID: true},
	}
	logger, logs := newLogger(t)
	startPool(t, testConfig(dir), st, nil, logger, WithPostProcessors(pp))

	tests := []struct {
		job      store.Job
		code     string
		message  string
		logParts []string
	}{
		{plain, failure.PostProcessing, "diarizer failed", []string{"job failed", "/secret/path"}},
		{coded, "diarization_failed", "too many speakers", []string{"job failed", "code=diarization_failed"}},
		{panics, failure.Internal, "internal error while processing the job", []string{"job panicked", "diarizer bug"}},
		{after, failure.UnsupportedMedia, "the file is not a supported audio or video format", []string{"job failed"}},
	}
	for _, tt := range tests {
		got := waitFinished(t, st, tt.job.ID)
		if got.Status != store.Failed || got.Error == nil || got.Error.Code != tt.code || got.Error.Message != tt.message {
			t.Errorf("job = %s, error %+v; want failed with %s %q", got.Status, got.Error, tt.code, tt.message)
		}
		if n := logs.count(append(tt.logParts, "job_id="+tt.job.ID)...); n != 1 {
			t.Errorf("%d log lines with %q for the job; want 1", n, tt.logParts)
		}
	}
}

func TestClaimBackoff(t *testing.T) {
	st := &flakyStore{Store: newStore(t, nil), failures: 4}
	logger, logs := newLogger(t)
	cfg := testConfig(t.TempDir())
	cfg.PollInterval = 10 * time.Millisecond
	startPool(t, cfg, st, nil, logger)

	deadline := time.Now().Add(10 * time.Second)
	for logs.count("claim job failed: recovered") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the pool never recovered from claim failures")
		}
		time.Sleep(10 * time.Millisecond)
	}
	st.mu.Lock()
	calls := st.calls
	gaps := st.gaps()
	st.mu.Unlock()
	if calls < 5 {
		t.Errorf("Claim called %d times; want the 4 failures and a success", calls)
	}
	if n := logs.count("claim job failed", "level=ERROR"); n != 1 {
		t.Errorf("%d error lines for 4 consecutive claim failures; want 1", n)
	}
	// The waits after the 4 failures double from the poll interval.
	for i, want := range []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond} {
		if i >= len(gaps) || gaps[i] < want {
			t.Errorf("claim gaps = %v; want gap %d at least %v", gaps, i, want)
		}
	}
}

// flakyStore fails the first claims of transcription workers; download
// workers' claims pass through uncounted.
type flakyStore struct {
	*store.Store
	mu       sync.Mutex
	failures int
	calls    int
	times    []time.Time
}

func (f *flakyStore) Claim(filter store.ClaimFilter) (store.Job, error) {
	if filter == store.ClaimFetch {
		return f.Store.Claim(filter)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.times = append(f.times, time.Now())
	if f.calls <= f.failures {
		return store.Job{}, errors.New("store: claim job: disk on fire")
	}
	return f.Store.Claim(filter)
}

func (f *flakyStore) gaps() []time.Duration {
	var out []time.Duration
	for i := 1; i < len(f.times); i++ {
		out = append(out, f.times[i].Sub(f.times[i-1]))
	}
	return out
}

// waitFileGone waits up to 5 s for path to be removed. The pool deletes audio
// just after FinishJob commits, so a test that saw the job finish may look
// a moment too early.
func waitFileGone(path string) error {
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err = os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	return fmt.Errorf("stat err %v after 5s", err)
}

// TestStartWithoutModel: a pool built with no model (as the server's tests
// build one without the whisper tag) refuses to start, and leaves a queued
// job queued, instead of panicking.
func TestStartWithoutModel(t *testing.T) {
	st := newStore(t, nil)
	job := createJob(t, st, store.Job{})
	p := New(testConfig(t.TempDir()), nil, st, nil, nil, nil)
	if err := p.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "no model") {
		t.Fatalf("Start = %v, want the no-model error", err)
	}
	if got, err := st.GetJob(job.ID); err != nil || got.Status != store.Queued {
		t.Fatalf("job after the failed Start: %v %v, want queued", got.Status, err)
	}
}
