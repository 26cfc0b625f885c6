package diarize

import (
	"math"
	"slices"
	"time"
)

// Region is a span of speech, as offsets from the start of the audio.
type Region struct {
	Start, End time.Duration
}

// Duration returns the length of the region.
func (r Region) Duration() time.Duration { return r.End - r.Start }

// EnergyVAD parameters.
const (
	vadSilentDB    = -60.0 // a file whose loud frames stay below this has no speech
	vadMinRangeDB  = 6.0   // the threshold is at least this far above the noise floor
	vadRangeShare  = 0.35  // and this share of the way from noise floor to speech level
	vadHysteresis  = 4.0   // dB below the threshold that speech may dip and go on
	vadHangover    = 15    // frames (150 ms) added after the energy falls
	vadPreroll     = 5     // frames (50 ms) added before an onset
	vadMinSpeech   = 15    // frames: shorter bursts are dropped
	vadMinSilence  = 25    // frames: shorter gaps are bridged
	vadFloorPct    = 0.10
	vadSpeechLvPct = 0.95
)

// EnergyVAD finds the speech in samples (16 kHz mono) by frame energy. It
// is the fallback when no Silero VAD model is configured.
//
// Each 25 ms frame (10 ms hop) gets its energy in dB. The threshold adapts
// to the recording: it sits between the noise floor (10th percentile of
// frame energies) and the speech level (95th percentile), at least 6 dB
// over the floor. Speech starts above the threshold and goes on while the
// energy stays within 4 dB below it (hysteresis). Gaps shorter than 250 ms
// are bridged, bursts shorter than 150 ms dropped, and each region gets
// 50 ms of pre-roll and a 150 ms hangover. A file that never gets louder than -60 dBFS has no
// speech. The floor is one per file, so a recording whose noise level
// changes a lot, or loud music, will be segmented poorly.
func EnergyVAD(samples []float32) []Region {
	return energyVAD(samples, newSweep(nil, len(samples)))
}

// energyVAD is EnergyVAD, reading the samples once, in order, telling sw.
func energyVAD(samples []float32, sw *sweep) []Region {
	db := frameEnergiesDB(samples, sw)
	if len(db) == 0 {
		return nil
	}
	sorted := slices.Clone(db)
	slices.Sort(sorted)
	floor := sorted[int(vadFloorPct*float64(len(sorted)-1))]
	level := sorted[int(vadSpeechLvPct*float64(len(sorted)-1))]
	if level < vadSilentDB {
		return nil
	}
	thr := floor + max(vadMinRangeDB, vadRangeShare*(level-floor))
	thr = max(thr, vadSilentDB)

	// Cores: from a frame above the threshold to the last one not below
	// it by more than the hysteresis.
	var spans [][2]int // frame ranges [start, end)
	in, start, last := false, 0, 0
	for i, e := range db {
		switch {
		case !in && e >= thr:
			in, start, last = true, i, i
		case in && e >= thr-vadHysteresis:
			last = i
		case in:
			spans = append(spans, [2]int{start, last + 1})
			in = false
		}
	}
	if in {
		spans = append(spans, [2]int{start, last + 1})
	}

	// Bridge short gaps, drop short bursts, then pad with pre-roll and
	// hangover.
	var merged [][2]int
	for _, s := range spans {
		if n := len(merged); n > 0 && s[0]-merged[n-1][1] < vadMinSilence {
			merged[n-1][1] = s[1]
			continue
		}
		merged = append(merged, s)
	}
	total := time.Duration(len(samples)) * time.Second / sampleRate
	var out []Region
	for _, s := range merged {
		if s[1]-s[0] < vadMinSpeech {
			continue
		}
		r := Region{
			Start: time.Duration(max(0, s[0]-vadPreroll)) * frameTime,
			End:   min(time.Duration(s[1]-1+vadHangover)*frameTime+frameLen*time.Second/sampleRate, total),
		}
		if n := len(out); n > 0 && r.Start <= out[n-1].End {
			out[n-1].End = r.End
			continue
		}
		out = append(out, r)
	}
	return out
}

// frameEnergiesDB returns the energy in dBFS of each 25 ms frame, 10 ms
// apart, of samples; the last frame may be short. It reads the samples in
// order, telling sw.
func frameEnergiesDB(samples []float32, sw *sweep) []float64 {
	if len(samples) == 0 {
		return nil
	}
	n := (len(samples)-1)/frameHop + 1
	db := make([]float64, n)
	for i := range db {
		if i%chunkFrames == chunkFrames-1 {
			sw.upTo(i * frameHop)
		}
		x := samples[i*frameHop : min(i*frameHop+frameLen, len(samples))]
		var s float64
		for _, v := range x {
			s += float64(v) * float64(v)
		}
		db[i] = 10 * math.Log10(s/float64(len(x))+1e-12)
	}
	sw.finish()
	return db
}
