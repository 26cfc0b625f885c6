//go:build whisper

package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/engine/enginetest"
	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

// jfkPhrase is what the real model must hear in jfk.wav.
const jfkPhrase = "ask not what your country can do for you"

const jfkPath = "../testdata/jfk.wav"

// testVADModel is the Silero VAD model make model places. It is optional:
// make model warns and goes on when no source has it (a fresh clone with no
// cache and no Hugging Face), so its tests skip rather than fail for
// something the build could not fetch.
func testVADModel(t *testing.T) string {
	t.Helper()
	path := enginetest.VADModelPath()
	if path == "" {
		t.Skip("optional Silero VAD model not available ($INSTANTTRANSCRIBER_TEST_VAD_MODEL or models/ggml-silero-v6.2.0.bin); make model fetches it when Hugging Face or the model cache (MODEL_CACHE) has it")
	}
	return path
}

// testModel is the real model, loaded once for the whole package.
func testModel(t *testing.T) *engine.Model { return enginetest.Model(t) }

// testState is a new State of the test model, closed when the test ends.
func testState(t *testing.T) *engine.State {
	t.Helper()
	st, err := testModel(t).NewState()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// transcribe transcribes samples with opts on tr (a Model or a State),
// failing the test on an error.
func transcribe(t *testing.T, tr interface {
	Transcribe(context.Context, []float32, engine.Options) (*transcript.Transcript, error)
}, samples []float32, opts engine.Options) *transcript.Transcript {
	t.Helper()
	out, err := tr.Transcribe(context.Background(), samples, opts)
	if err != nil {
		t.Fatalf("Transcribe: %v", err)
	}
	return out
}

// progressLog records the percentages a transcription reports through
// Options.Progress.
type progressLog struct {
	mu  sync.Mutex
	pct []int
}

func (l *progressLog) add(pct int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pct = append(l.pct, pct)
}

// check fails the test unless at least n percentages were reported,
// rising strictly from 0 to 100.
func (l *progressLog) check(t *testing.T, n int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pct) < n || l.pct[0] != 0 || l.pct[len(l.pct)-1] != 100 {
		t.Errorf("progress = %v, want 0 ... 100 in at least %d steps", l.pct, n)
	}
	for i := 1; i < len(l.pct); i++ {
		if l.pct[i] <= l.pct[i-1] {
			t.Errorf("progress not increasing: %v", l.pct)
			break
		}
	}
}

// jfk returns jfk.wav as 16 kHz samples.
func jfk(t *testing.T) []float32 {
	t.Helper()
	pcm, err := audio.DecodeFile(context.Background(), jfkPath, audio.Options{})
	if err != nil {
		t.Fatalf("decode %s: %v", jfkPath, err)
	}
	return pcm.Samples
}

var nonWord = regexp.MustCompile(`[^a-z ]+`)

// normalize lower-cases text and drops punctuation, for phrase matching.
func normalize(s string) string {
	return strings.Join(strings.Fields(nonWord.ReplaceAllString(strings.ToLower(s), "")), " ")
}

func TestTranscribeJFK(t *testing.T) {
	m := testModel(t)
	samples := jfk(t)
	var progress progressLog
	tr := transcribe(t, m, samples, engine.Options{
		TokenTimestamps: true,
		Progress:        progress.add,
	})
	if got := normalize(tr.Text); !strings.Contains(got, jfkPhrase) {
		t.Errorf("text = %q, want it to contain %q", tr.Text, jfkPhrase)
	}
	if tr.Language != "en" {
		t.Errorf("detected language = %q, want en", tr.Language)
	}
	if got, want := tr.Duration.Round(time.Millisecond), 11*time.Second; got != want {
		t.Errorf("duration = %v, want %v", got, want)
	}
	if len(tr.Segments) == 0 {
		t.Fatal("no segments")
	}
	var prevEnd time.Duration
	var words []string
	for i, s := range tr.Segments {
		if s.Start < prevEnd || s.End < s.Start || s.End > tr.Duration+time.Second {
			t.Errorf("segment %d times %v-%v out of order (previous end %v)", i, s.Start, s.End, prevEnd)
		}
		prevEnd = s.End
		if len(s.Words) == 0 {
			t.Errorf("segment %d has no words with TokenTimestamps", i)
		}
		for _, w := range s.Words {
			if w.End < w.Start || w.Start < s.Start || w.End > s.End {
				t.Errorf("word %q at %v-%v outside its segment %v-%v", w.Text, w.Start, w.End, s.Start, s.End)
			}
			if w.Probability <= 0 || w.Probability > 1 {
				t.Errorf("word %q probability %v not in (0,1]", w.Text, w.Probability)
			}
			words = append(words, w.Text)
		}
	}
	if got, want := normalize(strings.Join(words, " ")), normalize(tr.Text); got != want {
		t.Errorf("words joined = %q, want the text %q", got, want)
	}
	progress.check(t, 2)
}

// TestConcurrentTranscriptions runs several transcriptions at once on one
// loaded model, each on its own State; under -race this is the check that
// the binding shares nothing unsafely.
func TestConcurrentTranscriptions(t *testing.T) {
	m := testModel(t)
	samples := jfk(t)
	const n = 3
	var wg sync.WaitGroup
	texts := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := m.NewState()
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			var last int
			tr, err := st.Transcribe(context.Background(), samples, engine.Options{
				Threads:  1,
				Language: "en",
				Progress: func(p int) { last = p },
			})
			if err == nil && last != 100 {
				t.Errorf("worker %d: last progress %d, want 100", i, last)
			}
			if err == nil {
				texts[i] = tr.Text
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("worker %d: %v", i, errs[i])
			continue
		}
		if !strings.Contains(normalize(texts[i]), jfkPhrase) {
			t.Errorf("worker %d text = %q", i, texts[i])
		}
	}
}

// TestStateReuse transcribes twice on one State: results must not leak from
// one job into the next.
func TestStateReuse(t *testing.T) {
	st := testState(t)
	samples := jfk(t)
	first := transcribe(t, st, samples, engine.Options{Language: "en"})
	second := transcribe(t, st, samples[:len(samples)/2], engine.Options{Language: "en"})
	if second.Duration >= first.Duration {
		t.Errorf("second duration %v, want less than %v", second.Duration, first.Duration)
	}
	if strings.Contains(normalize(second.Text), "ask what you can do for your country") {
		t.Errorf("second transcript %q contains words from the second half of the audio", second.Text)
	}
}

// TestBeamSizeApplied checks that beam search really runs: on jfk.wav the
// tiny model's greedy and 5-beam outputs differ (the beam puts a comma after
// "Americans"). If a model change makes them equal, pick another clip.
func TestBeamSizeApplied(t *testing.T) {
	m := testModel(t)
	samples := jfk(t)
	greedy := transcribe(t, m, samples, engine.Options{Language: "en", BeamSize: 1})
	beam := transcribe(t, m, samples, engine.Options{Language: "en", BeamSize: 5})
	for _, tr := range []string{greedy.Text, beam.Text} {
		if !strings.Contains(normalize(tr), jfkPhrase) {
			t.Errorf("text = %q, want %q", tr, jfkPhrase)
		}
	}
	if greedy.Text == beam.Text {
		t.Errorf("greedy and beam-5 gave the same text %q: the beam size was not applied", beam.Text)
	}
}

// TestCancelStopsWhisper cancels a long transcription and expects whisper to
// stop soon, through the abort callback. whisper.cpp 1.9.1 checks the abort
// flag before and after each encoder pass and at each decoder step, not
// inside the encoder graph, so the latency is up to one encoder pass: about
// 0.6 s for tiny on 2 threads when the machine is idle. The bound allows for
// a loaded CI machine; without the abort the 66 s clip takes several seconds.
func TestCancelStopsWhisper(t *testing.T) {
	m := testModel(t)
	one := jfk(t)
	var long []float32
	for range 6 {
		long = append(long, one...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	done := make(chan error, 1)
	var canceledAt time.Time
	go func() {
		_, err := m.Transcribe(ctx, long, engine.Options{Language: "en", Progress: func(int) {
			once.Do(func() { close(started) })
		}})
		done <- err
	}()
	<-started
	time.Sleep(200 * time.Millisecond)
	canceledAt = time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(canceledAt); d > 2*time.Second {
			t.Errorf("whisper stopped %v after cancel, want under 2s", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("transcription did not stop after cancel")
	}
}

func TestForcedLanguageAndInvalidOptions(t *testing.T) {
	m := testModel(t)
	samples := jfk(t)
	tr := transcribe(t, m, samples, engine.Options{Language: "EN", BeamSize: 1})
	if tr.Language != "en" {
		t.Errorf("language = %q, want en", tr.Language)
	}
	tests := []struct {
		name string
		opts engine.Options
		want error
	}{
		{"unknown language", engine.Options{Language: "xx"}, engine.ErrInvalidOption},
		{"negative beam", engine.Options{BeamSize: -1}, engine.ErrInvalidOption},
		{"huge beam", engine.Options{BeamSize: 64}, engine.ErrInvalidOption},
		{"vad without model", engine.Options{VAD: true}, engine.ErrInvalidOption},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Transcribe(context.Background(), samples, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if oe := (*engine.OptionError)(nil); !errors.As(err, &oe) || oe.Detail == "" {
				t.Errorf("err = %v; want an *OptionError with the detail a user reads", err)
			}
		})
	}
	if _, err := m.Transcribe(context.Background(), nil, engine.Options{}); !errors.Is(err, engine.ErrNoAudio) {
		t.Errorf("no samples: err = %v, want ErrNoAudio", err)
	}
}

// TestVAD pads jfk.wav with silence: with VAD on, the words are still found
// and their times refer to the padded audio.
func TestVAD(t *testing.T) {
	vadModel := testVADModel(t)
	m := testModel(t)
	pad := make([]float32, 5*16000)
	samples := append(append(append([]float32{}, pad...), jfk(t)...), pad...)
	tr := transcribe(t, m, samples, engine.Options{
		Language: "en", VAD: true, VADModelPath: vadModel,
	})
	if !strings.Contains(normalize(tr.Text), jfkPhrase) {
		t.Errorf("text = %q, want %q", tr.Text, jfkPhrase)
	}
	if len(tr.Segments) == 0 || tr.Segments[0].Start < 4500*time.Millisecond {
		t.Fatalf("segments = %+v, want the first to start after the 5 s of silence", tr.Segments)
	}
	if last := tr.Segments[len(tr.Segments)-1]; last.End > 16500*time.Millisecond {
		t.Errorf("last segment ends at %v, want before the trailing silence (16 s)", last.End)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.bin")
	if err := os.WriteFile(bad, []byte("this is not a ggml model"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "missing.bin"), bad} {
		if _, err := engine.Load(engine.Config{ModelPath: path}, nil); !errors.Is(err, engine.ErrModelLoad) {
			t.Errorf("Load(%s) err = %v, want ErrModelLoad", path, err)
		}
	}
}

func TestCloseWaitsForStates(t *testing.T) {
	path := enginetest.ModelPath()
	m, err := engine.Load(engine.Config{ModelPath: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.NewState()
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() {
		m.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while a State was open")
	case <-time.After(100 * time.Millisecond):
	}
	if _, err := m.NewState(); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("NewState after Close: err = %v, want ErrClosed", err)
	}
	st.Close()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the last State closed")
	}
}

// TestVADSilence: with VAD on, pure silence yields an empty transcript
// instead of whisper's hallucinations.
func TestVADSilence(t *testing.T) {
	vadModel := testVADModel(t)
	m := testModel(t)
	tr := transcribe(t, m, make([]float32, 3*16000), engine.Options{
		Language: "en", VAD: true, VADModelPath: vadModel,
	})
	if tr.Text != "" || len(tr.Segments) != 0 || tr.Duration != 3*time.Second {
		t.Errorf("got %+v, want no segments and a 3 s duration", tr)
	}
}

// TestDetectSpeech finds the speech in jfk.wav padded with silence.
func TestDetectSpeech(t *testing.T) {
	vadModel := testVADModel(t)
	pad := make([]float32, 3*16000)
	samples := append(append(append([]float32{}, pad...), jfk(t)...), pad...)
	spans, err := engine.DetectSpeech(vadModel, samples, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) == 0 {
		t.Fatal("no speech found")
	}
	if first, last := spans[0], spans[len(spans)-1]; first.Start < 2500*time.Millisecond || last.End > 14500*time.Millisecond {
		t.Errorf("speech %v .. %v, want inside the 3-14 s of speech", first.Start, last.End)
	}
	if _, err := engine.DetectSpeech("/nonexistent/vad.bin", samples, 2); !errors.Is(err, engine.ErrInvalidOption) {
		t.Errorf("missing model: err = %v", err)
	}
}

// TestAutoLanguageMatchesFixed: with language "auto", whisper.cpp (patched by
// scripts/patch-whisper.sh) reuses the detection's encoder pass for the
// first window. The transcript must be the one a fixed language gives, with
// the same segment timings, on a clip shorter than one window and on one
// longer (33 s, so the second window is encoded as usual), on a State that
// ran another job first.
func TestAutoLanguageMatchesFixed(t *testing.T) {
	st := testState(t)
	samples := jfk(t)
	transcribe(t, st, samples[len(samples)/2:], engine.Options{Language: "en", BeamSize: 1})
	long := append(append(append([]float32{}, samples...), samples...), samples...)
	for name, audio := range map[string][]float32{"11 s": samples, "33 s": long} {
		t.Run(name, func(t *testing.T) {
			auto := transcribe(t, st, audio, engine.Options{Language: "auto", BeamSize: 1})
			fixed := transcribe(t, st, audio, engine.Options{Language: "en", BeamSize: 1})
			if auto.Language != "en" {
				t.Errorf("detected language %q, want en", auto.Language)
			}
			if auto.Text != fixed.Text {
				t.Errorf("auto text %q\nfixed text %q", auto.Text, fixed.Text)
			}
			if len(auto.Segments) != len(fixed.Segments) {
				t.Fatalf("auto has %d segments, fixed %d", len(auto.Segments), len(fixed.Segments))
			}
			for i := range auto.Segments {
				if a, f := auto.Segments[i], fixed.Segments[i]; a.Start != f.Start || a.End != f.End {
					t.Errorf("segment %d: auto %v-%v, fixed %v-%v", i, a.Start, a.End, f.Start, f.End)
				}
			}
		})
	}
}
