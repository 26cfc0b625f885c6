package engine

import (
	"sort"
	"time"
)

// span is a stretch of audio in samples, [start, end).
type span struct{ start, end int }

// Gaps between speech spans are replaced by this much silence (0.1 s at
// 16 kHz), and each span but the last keeps this much audio after its end
// (0.1 s), as whisper.cpp does in whisper_full.
const (
	vadGapSamples     = 1600
	vadOverlapSamples = 1600
)

// timeMap maps times in the compacted (speech only) audio back to the
// original audio: piecewise linear between (processed, original) points.
type timeMap []mapPoint

type mapPoint struct{ processed, original int }

// compact returns the speech of samples with short silences between spans,
// and the map from compacted to original sample offsets.
func compact(samples []float32, spans []span) ([]float32, timeMap) {
	var (
		out []float32
		tm  timeMap
	)
	for i, sp := range spans {
		start, end := max(0, sp.start), min(sp.end, len(samples))
		if end <= start {
			continue
		}
		copyEnd := end
		if i < len(spans)-1 {
			copyEnd = min(end+vadOverlapSamples, len(samples))
		}
		tm = append(tm, mapPoint{len(out), start}, mapPoint{len(out) + end - start, end})
		out = append(out, samples[start:copyEnd]...)
		if i < len(spans)-1 {
			next := spans[i+1].start
			tm = append(tm, mapPoint{len(out), end}, mapPoint{len(out) + vadGapSamples, max(end, next)})
			out = append(out, make([]float32, vadGapSamples)...)
		}
	}
	sort.SliceStable(tm, func(a, b int) bool { return tm[a].processed < tm[b].processed })
	// Keep the first point of each processed time so the map is a function.
	dedup := tm[:0]
	for _, p := range tm {
		if len(dedup) > 0 && dedup[len(dedup)-1].processed == p.processed {
			continue
		}
		dedup = append(dedup, p)
	}
	return out, dedup
}

// original maps a time in the compacted audio to the original audio.
func (m timeMap) original(t time.Duration) time.Duration {
	if len(m) == 0 {
		return t
	}
	const rate = 16000
	p := int(t * rate / time.Second)
	toDur := func(samples int) time.Duration { return time.Duration(samples) * time.Second / rate }
	if p <= m[0].processed {
		return toDur(m[0].original)
	}
	last := m[len(m)-1]
	if p >= last.processed {
		return toDur(last.original + (p - last.processed))
	}
	i := sort.Search(len(m), func(i int) bool { return m[i].processed >= p })
	hi, lo := m[i], m[i-1]
	if hi.processed == p {
		return toDur(hi.original)
	}
	orig := lo.original + (p-lo.processed)*(hi.original-lo.original)/(hi.processed-lo.processed)
	return toDur(orig)
}
