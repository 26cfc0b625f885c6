package diarize

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

const collar = 250 * time.Millisecond

// maxDER is the error allowed on the committed fixtures. The pipeline
// reaches 0-1% on them; the bound leaves room for harmless changes.
const maxDER = 0.10

func TestDiarizeTwoSpeakers(t *testing.T) {
	fx := loadFixture(t, "two")
	tests := []struct {
		name   string
		speech []Region
		opts   Options
	}{
		{"energy VAD, estimated count", nil, Options{}},
		{"energy VAD, two speakers given", nil, Options{Speakers: 2}},
		{"VAD regions given", regionsOf(fx.ref), Options{}},
		{"MinTurn off", nil, Options{MinTurn: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turns, err := Diarize(context.Background(), fx.samples, tt.speech, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := speakersOf(turns); got != 2 {
				t.Errorf("speakers = %d, want 2", got)
			}
			if der := DER(fx.ref, turns, collar); der > maxDER {
				t.Errorf("DER = %.1f%%, want <= %.0f%%", 100*der, 100*maxDER)
			}
			checkTurns(t, turns)
		})
	}
}

func TestDiarizeOneSpeaker(t *testing.T) {
	fx := loadFixture(t, "one")
	tests := []struct {
		name   string
		speech []Region
		opts   Options
	}{
		{"energy VAD", nil, Options{}},
		{"VAD regions given", regionsOf(fx.ref), Options{}},
		{"change points everywhere", nil, Options{ChangePoints: []time.Duration{
			2 * time.Second, 4 * time.Second, 6 * time.Second, 8 * time.Second, 10 * time.Second, 14 * time.Second}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turns, err := Diarize(context.Background(), fx.samples, tt.speech, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := speakersOf(turns); got != 1 {
				t.Errorf("speakers = %d, want 1 (turns %v)", got, turns)
			}
			if der := DER(fx.ref, turns, collar); der > maxDER {
				t.Errorf("DER = %.1f%%, want <= %.0f%%", 100*der, 100*maxDER)
			}
			checkTurns(t, turns)
		})
	}
}

func TestDiarizeForcedCount(t *testing.T) {
	tests := []struct {
		fixture  string
		speakers int
	}{
		{"two", 1},
		{"two", 2},
		{"one", 2},
	}
	for _, tt := range tests {
		fx := loadFixture(t, tt.fixture)
		turns, err := Diarize(context.Background(), fx.samples, nil, Options{Speakers: tt.speakers})
		if err != nil {
			t.Fatal(err)
		}
		if got := speakersOf(turns); got != tt.speakers {
			t.Errorf("%s with Speakers=%d: got %d speakers", tt.fixture, tt.speakers, got)
		}
		checkTurns(t, turns)
	}
}

func TestDiarizeNoSpeech(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	quiet := make([]float32, 5*sampleRate)
	for i := range quiet {
		quiet[i] = float32(rng.NormFloat64() * 1e-4) // -80 dBFS
	}
	fx := loadFixture(t, "two")
	tests := []struct {
		name    string
		samples []float32
		speech  []Region
	}{
		{"no samples", nil, nil},
		{"near silence", quiet, nil},
		{"empty speech given", fx.samples, []Region{}},
		{"speech beyond the audio", quiet, []Region{{Start: time.Minute, End: 2 * time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turns, err := Diarize(context.Background(), tt.samples, tt.speech, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(turns) != 0 {
				t.Errorf("turns = %v, want none", turns)
			}
		})
	}
}

func TestDiarizeInvalidOptions(t *testing.T) {
	for _, opts := range []Options{{Speakers: -1}, {Speakers: 11}, {MaxSpeakers: -2}, {MaxSpeakers: 11}} {
		_, err := Diarize(context.Background(), make([]float32, 100), nil, opts)
		if !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: err = %v, want ErrInvalidOptions", opts, err)
		}
	}
}

func TestDiarizeCancelled(t *testing.T) {
	fx := loadFixture(t, "two")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Diarize(ctx, fx.samples, nil, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// checkTurns checks that turns are ordered, do not overlap, and number
// speakers from 0 by first appearance.
func checkTurns(t *testing.T, turns []Turn) {
	t.Helper()
	next := 0
	for i, tr := range turns {
		if tr.End <= tr.Start {
			t.Errorf("turn %d %v is empty", i, tr)
		}
		if i > 0 && tr.Start < turns[i-1].End {
			t.Errorf("turn %d %v overlaps %v", i, tr, turns[i-1])
		}
		if tr.Speaker > next {
			t.Errorf("turn %d speaker %d appears before speaker %d", i, tr.Speaker, next)
		}
		if tr.Speaker == next {
			next++
		}
	}
}

// BenchmarkDiarize measures a minute of two-speaker conversation (the
// fixture, repeated) with the energy VAD; the cost to compare is whisper
// tiny's, about 5.5 s for a minute on two cores.
func BenchmarkDiarize(b *testing.B) {
	fx := loadFixture(b, "two")
	var samples []float32
	for len(samples) < 60*sampleRate {
		samples = append(samples, fx.samples...)
	}
	samples = samples[:60*sampleRate]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Diarize(context.Background(), samples, nil, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDiarizeSpeakerRange checks that MinSpeakers and MaxSpeakers bound the
// estimated count: the one-voice fixture estimates 1, the two-voice one 2.
func TestDiarizeSpeakerRange(t *testing.T) {
	tests := []struct {
		fixture  string
		opts     Options
		speakers int
	}{
		{"one", Options{MinSpeakers: 2}, 2},
		{"one", Options{MinSpeakers: 2, MaxSpeakers: 3}, 2},
		{"two", Options{MaxSpeakers: 1}, 1},
		{"two", Options{MinSpeakers: 1, MaxSpeakers: 2}, 2},
	}
	for _, tt := range tests {
		fx := loadFixture(t, tt.fixture)
		turns, err := Diarize(context.Background(), fx.samples, nil, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := speakersOf(turns); got != tt.speakers {
			t.Errorf("%s with %+v: got %d speakers, want %d", tt.fixture, tt.opts, got, tt.speakers)
		}
		checkTurns(t, turns)
	}
}

// TestDiarizeOverlap checks that overlapping speech (the two-voice
// fixture mixed with itself 3.1 s later, so both voices often speak at
// once) gives well-formed turns: in order, not overlapping, every speaker
// numbered by first appearance, and all of them inside the audio.
func TestDiarizeOverlap(t *testing.T) {
	fx := loadFixture(t, "two")
	shift := int(3.1 * sampleRate)
	mixed := make([]float32, len(fx.samples)+shift)
	for i, v := range fx.samples {
		mixed[i] += 0.7 * v
		mixed[i+shift] += 0.7 * v
	}
	for _, opts := range []Options{{}, {Speakers: 2}, {Speakers: 3}} {
		turns, err := Diarize(context.Background(), mixed, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(turns) == 0 {
			t.Fatalf("%+v: no turns", opts)
		}
		checkTurns(t, turns)
		if end := turns[len(turns)-1].End; end > time.Duration(len(mixed))*time.Second/sampleRate {
			t.Errorf("%+v: last turn ends at %v, after the audio", opts, end)
		}
	}
}
