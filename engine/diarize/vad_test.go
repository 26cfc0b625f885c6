package diarize

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// signal builds test audio: a noise floor at -70 dBFS with voice-like
// bursts (a buzzy 140 Hz tone with a 4 Hz syllable rhythm) at the given
// spans, in seconds.
func signal(total float64, bursts ...[2]float64) []float32 {
	rng := rand.New(rand.NewPCG(9, 10))
	x := make([]float32, int(total*sampleRate))
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 3e-4)
	}
	for _, b := range bursts {
		for i := int(b[0] * sampleRate); i < int(b[1]*sampleRate) && i < len(x); i++ {
			t := float64(i) / sampleRate
			var v float64
			for h := 1; h <= 8; h++ {
				v += math.Sin(2*math.Pi*140*float64(h)*t) / float64(h)
			}
			env := 0.6 + 0.4*math.Sin(2*math.Pi*4*t)
			x[i] += float32(0.1 * env * v)
		}
	}
	return x
}

func TestEnergyVAD(t *testing.T) {
	tests := []struct {
		name   string
		x      []float32
		want   [][2]float64
		reason string
	}{
		{"two bursts", signal(6, [2]float64{1, 3}, [2]float64{4, 5.5}), [][2]float64{{1, 3}, {4, 5.5}}, ""},
		{"short gap bridged", signal(6, [2]float64{1, 2.5}, [2]float64{2.6, 4}), [][2]float64{{1, 4}}, "a 100 ms gap is not a pause"},
		{"click dropped", signal(4, [2]float64{1, 2}, [2]float64{3, 3.05}), [][2]float64{{1, 2}}, "a 50 ms click is not speech"},
		{"speech throughout", signal(3, [2]float64{0, 3}), [][2]float64{{0, 3}}, ""},
		{"noise only", signal(3), nil, ""},
		{"digital silence", make([]float32, 3*sampleRate), nil, ""},
		{"no samples", nil, nil, ""},
	}
	const slack = 200 * time.Millisecond // pre-roll, hangover and frame length
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EnergyVAD(tt.x)
			if len(got) != len(tt.want) {
				t.Fatalf("regions = %v, want %d %s", got, len(tt.want), tt.reason)
			}
			for i, w := range tt.want {
				ws, we := seconds(w[0]), seconds(w[1])
				if got[i].Start > ws+20*time.Millisecond || got[i].Start < ws-slack {
					t.Errorf("region %d starts at %v, want about %v", i, got[i].Start, ws)
				}
				if got[i].End < we-20*time.Millisecond || got[i].End > we+slack {
					t.Errorf("region %d ends at %v, want about %v", i, got[i].End, we)
				}
			}
		})
	}
}

func TestEnergyVADOnFixture(t *testing.T) {
	fx := loadFixture(t, "two")
	got := EnergyVAD(fx.samples)
	// Every reference turn is covered, and the regions add little else.
	var speech, covered time.Duration
	for _, r := range got {
		speech += r.Duration()
	}
	for _, tr := range fx.ref {
		for _, r := range got {
			covered += max(0, min(tr.End, r.End)-max(tr.Start, r.Start))
		}
	}
	var ref time.Duration
	for _, tr := range fx.ref {
		ref += tr.Duration()
	}
	if miss := 1 - covered.Seconds()/ref.Seconds(); miss > 0.02 {
		t.Errorf("VAD misses %.1f%% of the speech", 100*miss)
	}
	if fa := (speech - covered).Seconds() / ref.Seconds(); fa > 0.10 {
		t.Errorf("VAD adds %.1f%% of non-speech", 100*fa)
	}
}
