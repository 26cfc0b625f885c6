package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Goals of the real-voice set, from the issue: the count right in 90% of
// the conversations, a mean DER of 5% with two speakers and 10% with three
// or four, diarization within 10% of whisper tiny's time at an hour.
const (
	goalCount   = 0.90
	goalDER2    = 0.05
	goalDER34   = 0.10
	goalTimeFrc = 0.10
)

// report accumulates results per condition.
type report struct {
	whisperRTF float64
	order      []condition
	byName     map[string][]result
	long       []result
}

func (r *report) add(c condition, res result) {
	if r.byName == nil {
		r.byName = map[string][]result{}
	}
	if _, ok := r.byName[c.name]; !ok {
		r.order = append(r.order, c)
	}
	r.byName[c.name] = append(r.byName[c.name], res)
}

func (r *report) addLong(res result) { r.long = append(r.long, res) }

// summary is the mean of some results.
type summary struct {
	n, countOK     int
	der, derOracle float64
	elapsed, audio time.Duration
}

func summarize(rs []result, keep func(result) bool) summary {
	var s summary
	for _, x := range rs {
		if keep != nil && !keep(x) {
			continue
		}
		s.n++
		s.der += x.der
		s.derOracle += x.derOracle
		if x.found == x.speakers {
			s.countOK++
		}
		s.elapsed += x.elapsed
		s.audio += x.audio
	}
	if s.n > 0 {
		s.der /= float64(s.n)
		s.derOracle /= float64(s.n)
	}
	return s
}

// real returns the real-voice results whose speaker count passes keep.
func (r *report) real(keep func(result) bool) []result {
	var out []result
	for _, c := range r.order {
		if c.espeak || c.overlap > 0 {
			continue
		}
		for _, x := range r.byName[c.name] {
			if keep(x) {
				out = append(out, x)
			}
		}
	}
	return out
}

// print writes the table, the halves and the goals with PASS or MISS.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "%-22s %4s %7s %9s %14s %9s %10s\n",
		"condition", "n", "audio", "DER", "DER given n", "count ok", "time/audio")
	for i, c := range r.order {
		if c.espeak && (i == 0 || !r.order[i-1].espeak) {
			fmt.Fprintln(w, "extra: synthetic espeak-ng voices (do not predict real ones)")
		}
		if c.overlap > 0 && (i == 0 || r.order[i-1].overlap == 0) {
			fmt.Fprintln(w, "extra: overlapping speech (each overlap is given to one speaker: missed speech; not in the goals)")
		}
		s := summarize(r.byName[c.name], nil)
		fmt.Fprintf(w, "%-22s %4d %6.0fs %8.1f%% %13.1f%% %4d/%-4d %9.2f%%\n",
			c.name, s.n, s.audio.Seconds()/float64(s.n), 100*s.der, 100*s.derOracle, s.countOK, s.n, 100*s.elapsed.Seconds()/s.audio.Seconds())
	}
	two := func(x result) bool { return x.speakers == 2 }
	more := func(x result) bool { return x.speakers >= 3 }
	all := r.real(func(result) bool { return true })
	fmt.Fprintln(w)
	for _, g := range []struct {
		name string
		rs   []result
	}{{"real 2 speakers", r.real(two)}, {"real 3-4 speakers", r.real(more)}, {"real, all", all}} {
		var line []string
		for h, name := range []string{"tuning half", "held-out half"} {
			s := summarize(g.rs, func(x result) bool { return x.half == h })
			line = append(line, fmt.Sprintf("%s DER %.1f%%, count %d/%d", name, 100*s.der, s.countOK, s.n))
		}
		fmt.Fprintf(w, "%-18s %s\n", g.name+":", strings.Join(line, "; "))
	}
	var goals []string
	s := summarize(all, nil)
	acc := float64(s.countOK) / float64(max(s.n, 1))
	goals = append(goals, verdict(acc >= goalCount, fmt.Sprintf("real voices: speaker count right in %.0f%% (%d/%d) >= 90%% of conversations", 100*acc, s.countOK, s.n)))
	s2 := summarize(r.real(two), nil)
	goals = append(goals, verdict(s2.der <= goalDER2, fmt.Sprintf("real voices: mean DER %.1f%% <= 5%% with 2 speakers", 100*s2.der)))
	s34 := summarize(r.real(more), nil)
	goals = append(goals, verdict(s34.der <= goalDER34, fmt.Sprintf("real voices: mean DER %.1f%% <= 10%% with 3-4 speakers", 100*s34.der)))
	if len(r.long) > 0 {
		var line []string
		worst := 0.0
		for _, x := range r.long {
			f := x.cpu.Seconds() / (x.audio.Seconds() * r.whisperRTF)
			worst = max(worst, f)
			line = append(line, fmt.Sprintf("%.1fs CPU, %.1fs wall (%d MB allocated, %d speakers found, DER %.1f%%)", x.cpu.Seconds(), x.elapsed.Seconds(), x.allocMB, x.found, 100*x.der))
		}
		fmt.Fprintf(w, "%-18s %.0f min of 4 speakers: %s\n", "long recording:", r.long[0].audio.Minutes(), strings.Join(line, ", "))
		goals = append(goals, verdict(worst <= goalTimeFrc, fmt.Sprintf("diarization CPU time at %.0f min at most %.1f%% <= 10%% of whisper tiny's greedy time (-whisper-rtf %.3f: %.0f s)",
			r.long[0].audio.Minutes(), 100*worst, r.whisperRTF, r.long[0].audio.Seconds()*r.whisperRTF)))
	}
	fmt.Fprintln(w)
	for _, g := range goals {
		fmt.Fprintln(w, g)
	}
}

func verdict(ok bool, what string) string {
	if ok {
		return "PASS " + what
	}
	return "MISS " + what
}

// writeJSON writes each condition's figures and the totals to path (-json).
func (r *report) writeJSON(path string) error {
	type condJSON struct {
		Name         string  `json:"name"`
		Speakers     int     `json:"speakers"`
		Espeak       bool    `json:"espeak,omitempty"`
		N            int     `json:"n"`
		AudioS       float64 `json:"mean_audio_s"`
		DER          float64 `json:"der"`
		DEROracle    float64 `json:"der_given_count"`
		CountOK      int     `json:"count_ok"`
		TimePerAudio float64 `json:"time_per_audio"`
	}
	var conds []condJSON
	for _, c := range r.order {
		s := summarize(r.byName[c.name], nil)
		conds = append(conds, condJSON{Name: c.name, Speakers: c.speakers, Espeak: c.espeak, N: s.n, AudioS: s.audio.Seconds() / float64(max(s.n, 1)),
			DER: s.der, DEROracle: s.derOracle, CountOK: s.countOK, TimePerAudio: s.elapsed.Seconds() / s.audio.Seconds()})
	}
	all := summarize(r.real(func(result) bool { return true }), nil)
	two := summarize(r.real(func(x result) bool { return x.speakers == 2 }), nil)
	more := summarize(r.real(func(x result) bool { return x.speakers >= 3 }), nil)
	out := map[string]any{
		"conditions":     conds,
		"count_accuracy": float64(all.countOK) / float64(max(all.n, 1)),
		"der_2":          two.der,
		"der_34":         more.der,
		"time_per_audio": all.elapsed.Seconds() / all.audio.Seconds(),
		"whisper_rtf":    r.whisperRTF,
	}
	if len(r.long) > 0 {
		var wall, cpu []float64
		for _, x := range r.long {
			wall = append(wall, x.elapsed.Seconds())
			cpu = append(cpu, x.cpu.Seconds())
		}
		out["long_audio_s"] = r.long[0].audio.Seconds()
		out["long_wall_s"] = wall
		out["long_cpu_s"] = cpu
		out["long_der"] = r.long[0].der
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
