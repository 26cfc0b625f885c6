package main

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
)

// Pairings of the two-speaker real-voice conditions.
const (
	anyPair   = iota
	mixedPair // a man and a woman
	samePair  // two men or two women
)

// drawVoices picks n distinct people of one band for conversation i of a
// condition: a man and a woman for mixedPair; for samePair two men in even
// conversations and two women in odd ones (two women only, on the telephone
// band, which has one man with enough speech).
func drawVoices(rng *rand.Rand, tel bool, n, pairing, i int) []realVoice {
	var men, women []realVoice
	for _, v := range realVoices {
		if v.tel != tel || (tel && v.name == "tel-kdefr") && pairing != anyPair {
			continue
		}
		if v.female {
			women = append(women, v)
		} else {
			men = append(men, v)
		}
	}
	pick := func(pool []realVoice, k int) []realVoice {
		var out []realVoice
		for _, j := range rng.Perm(len(pool))[:k] {
			out = append(out, pool[j])
		}
		return out
	}
	switch pairing {
	case mixedPair:
		out := append(pick(men, 1), pick(women, 1)...)
		rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
		return out
	case samePair:
		if i%2 == 0 && len(men) >= 2 {
			return pick(men, 2)
		}
		return pick(women, 2)
	}
	return pick(append(men, women...), n)
}

// renderReal builds a conversation of the people in vs taking turns, about
// turns of them: each turn is 4 to 8 of a person's words (the KDE
// speakers) or 1 to 2 of their prompts (telephone), a turn starts 150 ms to
// 1 s after the last one (one in seven back to back), varies in level by up
// to gainJitter dB, and white noise is added at snr dB below the speech. No
// clip is used twice in a conversation until all of its person's are.
// A share overlap of the turns after the first starts 0.3 to 1.2 s before
// the previous one ends, both voices mixed.
func renderReal(rng *rand.Rand, bank *voiceBank, vs []realVoice, turns int, gainJitter, snr, overlap float64) conversation {
	n := len(vs)
	c := conversation{speakers: n}
	order := make([][]int, n)
	next := func(s int) []float32 {
		clips := bank.clips[vs[s].name]
		if len(order[s]) == 0 {
			order[s] = rng.Perm(len(clips))
		}
		x := clips[order[s][0]]
		order[s] = order[s][1:]
		return x
	}
	first := rng.Perm(n)
	prev := -1
	for t := range max(turns, n) {
		s := 0
		switch {
		case t < n:
			s = first[t]
		case n > 1:
			s = rng.IntN(n - 1)
			if s >= prev {
				s++
			}
		}
		pause := time.Duration(150+rng.IntN(850)) * time.Millisecond
		if t > 0 && rng.IntN(7) == 0 {
			pause = time.Duration(rng.IntN(50)) * time.Millisecond
		}
		if t == 0 {
			pause = 500 * time.Millisecond
		}
		gain := float32(math.Pow(10, (rng.Float64()*2-1)*gainJitter/20))
		parts, gapMin, gapSpan := 1+rng.IntN(2), 150, 150
		if !vs[s].tel {
			parts, gapMin, gapSpan = 4+rng.IntN(5), 40, 110
		}
		var x []float32
		for p := range parts {
			if p > 0 {
				x = append(x, make([]float32, idx(time.Duration(gapMin+rng.IntN(gapSpan))*time.Millisecond))...)
			}
			for _, v := range next(s) {
				x = append(x, v*gain)
			}
		}
		start := len(c.samples) + idx(pause)
		if overlap > 0 && t > 0 && rng.Float64() < overlap {
			start = max(idx(c.ref[len(c.ref)-1].Start), len(c.samples)-idx(time.Duration(300+rng.IntN(900))*time.Millisecond))
		}
		if end := start + len(x); end > len(c.samples) {
			c.samples = append(c.samples, make([]float32, end-len(c.samples))...)
		}
		for i, v := range x {
			c.samples[start+i] += v
		}
		c.ref = append(c.ref, diarize.Turn{Start: at(start), End: at(start + len(x)), Speaker: s})
		prev = s
	}
	c.samples = append(c.samples, make([]float32, 8000)...)
	addNoise(rng, &c, snr)
	return c
}

// addNoise adds white noise snr dB below the power of the reference speech.
func addNoise(rng *rand.Rand, c *conversation, snr float64) {
	var power float64
	var n int
	for _, r := range c.ref {
		for _, v := range c.samples[idx(r.Start):idx(r.End)] {
			power += float64(v) * float64(v)
			n++
		}
	}
	sigma := math.Sqrt(power/float64(max(n, 1))) * math.Pow(10, -snr/20)
	for i := range c.samples {
		c.samples[i] += float32(rng.NormFloat64() * sigma)
	}
}

// concat joins conversations of the same people into one recording.
func concat(cs []conversation) conversation {
	out := conversation{speakers: cs[0].speakers}
	for _, c := range cs {
		off := at(len(out.samples))
		for _, t := range c.ref {
			out.ref = append(out.ref, diarize.Turn{Start: t.Start + off, End: t.End + off, Speaker: t.Speaker})
		}
		out.samples = append(out.samples, c.samples...)
	}
	return out
}
