package audio

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// resampleAll resamples x in one block.
func resampleAll(x []float32, from, to int) []float32 {
	r := newResampler(from, to)
	return r.flush(r.process(nil, x))
}

func TestResampleKeepsPassbandTones(t *testing.T) {
	tests := []struct {
		from int
		freq float64
	}{
		{44100, 1000},
		{48000, 1000},
		{22050, 1000},
		{8000, 1000},
		{11025, 440},
		{32000, 3000},
		{44100, 6500},
		{44099, 1000}, // l = 16000: the interpolated table
		{96000, 1000},
	}
	for _, tt := range tests {
		out := resampleAll(sine32(tt.freq, tt.from, 1, 0.5), tt.from, SampleRate)
		m := middle(out)
		if got := amplitude(m, tt.freq, SampleRate); math.Abs(got-0.5)/0.5 > 0.01 {
			t.Errorf("%d Hz, %v Hz tone: amplitude %.4f, want 0.5 within 1%%", tt.from, tt.freq, got)
		}
		if got := frequency(m, SampleRate); math.Abs(got-tt.freq) > tt.freq*0.001 {
			t.Errorf("%d Hz, %v Hz tone: frequency %.2f", tt.from, tt.freq, got)
		}
	}
}

func TestResampleMatchesIdealSine(t *testing.T) {
	// The output sample n must be the tone at exactly n/16000 s: no delay,
	// no phase error.
	for _, from := range []int{44100, 48000, 8000, 22050, 44099} {
		out := middle(resampleAll(sine32(440, from, 1, 0.5), from, SampleRate))
		off := SampleRate / 10
		var errE, sigE float64
		for i, v := range out {
			want := 0.5 * math.Sin(2*math.Pi*440*float64(i+off)/SampleRate)
			errE += (float64(v) - want) * (float64(v) - want)
			sigE += want * want
		}
		if snr := 10 * math.Log10(sigE/errE); snr < 70 {
			t.Errorf("%d Hz: SNR against the ideal sine %.1f dB, want >= 70", from, snr)
		}
	}
}

func TestResampleRejectsAboveNyquist(t *testing.T) {
	tests := []struct {
		from int
		freq float64
	}{
		{48000, 10000},
		{48000, 8200},
		{44100, 9000},
		{44100, 15000},
		{22050, 10000},
		{44099, 12000},
		{96000, 30000},
	}
	for _, tt := range tests {
		in := sine32(tt.freq, tt.from, 1, 0.5)
		out := resampleAll(in, tt.from, SampleRate)
		att := 20 * math.Log10(rms(middle(out))/rms(in))
		if att > -40 {
			t.Errorf("%d Hz, %v Hz tone: attenuated %.1f dB, want <= -40 dB", tt.from, tt.freq, att)
		}
	}
}

func TestResampleUpsamplingHasNoImages(t *testing.T) {
	// 1 kHz at 8 kHz upsampled to 16 kHz must not grow an image at 7 kHz.
	out := middle(resampleAll(sine32(1000, 8000, 1, 0.5), 8000, SampleRate))
	if got := amplitude(out, 7000, SampleRate); got > 0.5*0.01 {
		t.Errorf("image at 7 kHz has amplitude %.5f, want below -40 dB of 0.5", got)
	}
}

func TestResampleIdentity(t *testing.T) {
	in := sine32(440, SampleRate, 0.1, 0.9)
	got := resampleAll(in, SampleRate, SampleRate)
	if !slices.Equal(got, in) {
		t.Errorf("16 kHz to 16 kHz changed the samples")
	}
}

func TestResampleLength(t *testing.T) {
	tests := []struct {
		from, n, want int
	}{
		{44100, 44100, 16000},
		{44100, 1, 1},
		{44100, 3, 2}, // ceil(3*160/441)
		{48000, 48001, 16001},
		{8000, 8000, 16000},
		{8000, 1, 2},
		{22050, 22050, 16000},
		{44099, 44099, 16000},
	}
	for _, tt := range tests {
		if got := len(resampleAll(make([]float32, tt.n), tt.from, SampleRate)); got != tt.want {
			t.Errorf("%d samples at %d Hz: got %d outputs, want %d", tt.n, tt.from, got, tt.want)
		}
	}
}

func TestResampleKeepsDC(t *testing.T) {
	in := make([]float32, 4410)
	for i := range in {
		in[i] = 0.25
	}
	out := resampleAll(in, 44100, SampleRate)
	for i, v := range middle(out) {
		if math.Abs(float64(v)-0.25) > 1e-5 {
			t.Fatalf("sample %d = %v, want 0.25", i, v)
		}
	}
}

func TestResampleStreamingMatchesOneBlock(t *testing.T) {
	for _, from := range []int{44100, 8000, 44099} {
		in := sine32(1234, from, 0.5, 0.7)
		want := resampleAll(in, from, SampleRate)
		r := newResampler(from, SampleRate)
		rng := rand.New(rand.NewPCG(1, 2))
		var got []float32
		for rest := in; len(rest) > 0; {
			n := min(len(rest), rng.IntN(700))
			got = r.process(got, rest[:n])
			rest = rest[n:]
		}
		got = r.flush(got)
		if !slices.Equal(got, want) {
			t.Errorf("%d Hz: block-by-block output differs from one-block output", from)
		}
	}
}

// BenchmarkResample44kStereo measures the whole conversion of 60 s of 44.1
// kHz stereo: downmix, resample, clamp.
func BenchmarkResample44kStereo(b *testing.B) {
	const seconds = 60
	x := make([]float32, 0, 2*44100*seconds)
	for _, v := range sine32(440, 44100, seconds, 0.5) {
		x = append(x, v, -v/2)
	}
	b.SetBytes(int64(len(x) * 4))
	b.ResetTimer()
	for range b.N {
		s := newSink(context.Background(), 44100, 2, 0, 44100*seconds, 1<<30)
		for block := x; len(block) > 0; {
			n := min(len(block), 2*4096)
			if err := s.writeInterleaved(block[:n], 2); err != nil {
				b.Fatal(err)
			}
			block = block[n:]
		}
		if got := len(s.finish()); got != SampleRate*seconds {
			b.Fatalf("got %d samples", got)
		}
	}
}
