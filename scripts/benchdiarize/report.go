package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// report accumulates results per condition.
type report struct {
	whisperRTF float64
	order      []condition
	byName     map[string][]result
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

// print writes the table and the goals with PASS or MISS.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "%-28s %4s %7s %9s %14s %9s %10s %12s\n",
		"condition", "n", "audio", "DER", "DER given n", "count ok", "time/audio", "time/whisper")
	var countOK, countAll int
	var elapsed, audio time.Duration
	var goals []string
	for _, c := range r.order {
		rs := r.byName[c.name]
		var der, derO float64
		var ok int
		var el, au time.Duration
		for _, x := range rs {
			der += x.der
			derO += x.derOracle
			if x.found == x.speakers {
				ok++
			}
			el += x.elapsed
			au += x.audio
		}
		k := float64(len(rs))
		countOK += ok
		countAll += len(rs)
		elapsed += el
		audio += au
		rtf := el.Seconds() / au.Seconds()
		fmt.Fprintf(w, "%-28s %4d %6.0fs %8.1f%% %13.1f%% %4d/%-4d %9.2f%% %11.2f%%\n",
			c.name, len(rs), au.Seconds()/k, 100*der/k, 100*derO/k, ok, len(rs), 100*rtf, 100*rtf/r.whisperRTF)
		if c.maxDER > 0 {
			goals = append(goals, verdict(der/k <= c.maxDER, fmt.Sprintf("DER %.1f%% <= %.0f%% (%s)", 100*der/k, 100*c.maxDER, c.name)))
		}
	}
	acc := float64(countOK) / float64(max(countAll, 1))
	goals = append(goals, verdict(acc >= 0.9, fmt.Sprintf("speaker count right in %.0f%% >= 90%% of conversations", 100*acc)))
	rtf := elapsed.Seconds() / audio.Seconds()
	goals = append(goals, verdict(rtf/r.whisperRTF < 0.15, fmt.Sprintf("diarization %.2f%% of audio time = %.1f%% < 15%% of whisper tiny's time (-whisper-rtf %.3f)", 100*rtf, 100*rtf/r.whisperRTF, r.whisperRTF)))
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
		N            int     `json:"n"`
		AudioS       float64 `json:"mean_audio_s"`
		DER          float64 `json:"der"`
		DEROracle    float64 `json:"der_given_count"`
		CountOK      int     `json:"count_ok"`
		TimePerAudio float64 `json:"time_per_audio"`
		MaxDER       float64 `json:"goal_max_der,omitempty"`
	}
	var conds []condJSON
	var countOK, countAll int
	var elapsed, audio time.Duration
	for _, c := range r.order {
		rs := r.byName[c.name]
		cj := condJSON{Name: c.name, Speakers: c.speakers, N: len(rs), MaxDER: c.maxDER}
		var el, au time.Duration
		for _, x := range rs {
			cj.DER += x.der
			cj.DEROracle += x.derOracle
			if x.found == x.speakers {
				cj.CountOK++
			}
			el += x.elapsed
			au += x.audio
		}
		k := float64(max(len(rs), 1))
		cj.DER /= k
		cj.DEROracle /= k
		cj.AudioS = au.Seconds() / k
		cj.TimePerAudio = el.Seconds() / au.Seconds()
		countOK += cj.CountOK
		countAll += len(rs)
		elapsed += el
		audio += au
		conds = append(conds, cj)
	}
	b, err := json.MarshalIndent(map[string]any{
		"conditions":     conds,
		"count_accuracy": float64(countOK) / float64(max(countAll, 1)),
		"time_per_audio": elapsed.Seconds() / audio.Seconds(),
		"whisper_rtf":    r.whisperRTF,
	}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
