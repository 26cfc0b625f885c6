// Command benchdiarize measures speaker diarization (engine/diarize) on
// conversations with known turns, built from recordings of real people
// (the real-voice set) and, as an extra line, from espeak-ng voices.
//
// The real-voice set comes from Debian packages that scripts/benchdiarize/
// fetch-voices.sh downloads into a cache (-voices, by default
// ~/.cache/instanttranscriber/benchdiarize): 10 people reading words at
// 22-44 kHz (KDE's ktuberling, 6 men and 4 women) and 8 people on 8 kHz
// telephone prompts (Asterisk's, 1 man, 6 women and one more reader).
// Conversations of 2, 3 and 4 of them take turns; the two-speaker ones are
// split into a man and a woman, and two people of the same gender.
//
// For each condition it reports the mean DER with a 0.25 s collar (speaker
// count estimated, and with the true count given), how often the speaker
// count is right, and the diarization time. Thresholds must not be tuned
// to single conversations: even conversations are the tuning half, odd ones
// the held-out half, and both halves' DER is printed. One 60-minute
// recording (-hour) times diarization at length, against whisper tiny's
// greedy transcription time (-whisper-rtf).
//
// It needs sox (and espeak-ng for the espeak line) in PATH. Conversations
// are seeded, so a run is repeatable.
//
//	make bench-diarization
//	go run ./scripts/benchdiarize [-n 6] [-seed 1] [-espeak-n 4] [-hour 60m] [-v] [-dump dir] [-json file]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// condition is one kind of conversation the bench draws.
type condition struct {
	name     string
	speakers int
	espeak   bool // espeak-ng voices, not the real-voice set
	tel      bool // telephone band
	pairing  int  // anyPair, mixedPair or samePair
	turns    int
	overlap  float64 // share of turns that overlap the one before; not in the goals
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("benchdiarize", flag.ContinueOnError)
	fl.SetOutput(stderr)
	n := fl.Int("n", 6, "real-voice conversations per condition")
	espeakN := fl.Int("espeak-n", 4, "espeak-ng conversations per condition; 0 skips them")
	seed := fl.Uint64("seed", 1, "random seed")
	turns := fl.Int("turns", 14, "turns per conversation")
	snr := fl.Float64("snr", 30, "signal-to-noise ratio of the added white noise, dB")
	gainJitter := fl.Float64("gain-jitter", 4, "each turn's level varies by up to this many dB")
	whisperRTF := fl.Float64("whisper-rtf", 0.065, "whisper tiny's greedy real-time factor, transcription seconds per audio second (62 min in 230-260 s)")
	hour := fl.Duration("hour", time.Hour, "length of the long recording timed; 0 skips it")
	hourRuns := fl.Int("hour-runs", 1, "times the long recording is diarized")
	voices := fl.String("voices", voicesDir(), "cache of fetch-voices.sh")
	dump := fl.String("dump", "", "write each conversation's WAV and reference turns into this directory")
	verbose := fl.Bool("v", false, "print every conversation")
	jsonPath := fl.String("json", "", "also write the per-condition figures to this file as JSON")
	oracle := fl.Bool("oracle", true, "also diarize each conversation given its speaker count")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the long recording's runs to this file")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "benchdiarize:", err)
		return 1
	}
	if _, err := exec.LookPath("sox"); err != nil {
		return fail(fmt.Errorf("sox not found: install it with `apt-get install -y sox libsox-fmt-all`"))
	}
	fetch := exec.CommandContext(ctx, filepath.Join("scripts", "benchdiarize", "fetch-voices.sh"), *voices)
	fetch.Stdout, fetch.Stderr = stderr, stderr
	if err := fetch.Run(); err != nil {
		return fail(fmt.Errorf("fetch-voices.sh: %w", err))
	}
	start := time.Now()
	bank, err := loadVoices(ctx, filepath.Join(*voices, "voices"), runtime.NumCPU())
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stderr, "benchdiarize: %d people loaded in %v\n", len(bank.clips), time.Since(start).Round(time.Millisecond))

	conds := []condition{
		{name: "wide 1 speaker", speakers: 1, turns: *turns / 2},
		{name: "wide 2, man+woman", speakers: 2, pairing: mixedPair, turns: *turns},
		{name: "wide 2, same gender", speakers: 2, pairing: samePair, turns: *turns},
		{name: "wide 3 speakers", speakers: 3, turns: *turns},
		{name: "wide 4 speakers", speakers: 4, turns: *turns + 4},
		{name: "tel 1 speaker", speakers: 1, tel: true, turns: *turns / 2},
		{name: "tel 2, man+woman", speakers: 2, tel: true, pairing: mixedPair, turns: *turns},
		{name: "tel 2, same gender", speakers: 2, tel: true, pairing: samePair, turns: *turns},
		{name: "tel 3 speakers", speakers: 3, tel: true, turns: *turns},
		{name: "tel 4 speakers", speakers: 4, tel: true, turns: *turns + 4},
		{name: "wide 2, 30% overlap", speakers: 2, pairing: mixedPair, turns: *turns, overlap: 0.3},
	}
	if *espeakN > 0 {
		conds = append(conds,
			condition{name: "espeak 2 speakers", speakers: 2, espeak: true, turns: 16},
			condition{name: "espeak 3 speakers", speakers: 3, espeak: true, turns: 16})
	}
	if *dump != "" {
		if err := os.MkdirAll(*dump, 0o755); err != nil {
			return fail(err)
		}
	}
	var syn *synthesizer
	rep := &report{whisperRTF: *whisperRTF}
	for ci, cond := range conds {
		rng := rand.New(rand.NewPCG(*seed, uint64(ci)))
		count := *n
		var convs []conversation
		var names []string
		if cond.espeak {
			if syn == nil {
				if err := checkTools(); err != nil {
					return fail(err)
				}
				syn = newSynthesizer()
			}
			count = *espeakN
			plans := make([]plan, count)
			var utts []utterance
			for i := range plans {
				plans[i] = newPlan(rng, cond.speakers, cond.turns, 0, *gainJitter)
				utts = append(utts, plans[i].utterances()...)
			}
			if err := syn.prepare(ctx, utts, runtime.NumCPU()); err != nil {
				return fail(err)
			}
			for _, p := range plans {
				convs = append(convs, p.render(rng, syn, nil, *snr))
				names = append(names, p.voiceNames())
			}
		} else {
			if count == 0 {
				continue
			}
			for i := range count {
				vs := drawVoices(rng, cond.tel, cond.speakers, cond.pairing, i)
				convs = append(convs, renderReal(rng, bank, vs, cond.turns, *gainJitter, *snr, cond.overlap))
				names = append(names, voiceNames(vs))
			}
		}
		for i, conv := range convs {
			res, err := measure(ctx, conv, *oracle)
			if err != nil {
				return fail(err)
			}
			res.half = i % 2
			rep.add(cond, res)
			if *verbose {
				fmt.Fprintf(stdout, "%-22s #%d  %5.1fs  speakers %d->%d  DER %5.1f%% (given count %5.1f%%)  %v  %s\n",
					cond.name, i, conv.duration().Seconds(), conv.speakers, res.found, 100*res.der, 100*res.derOracle, res.elapsed.Round(time.Millisecond), names[i])
			}
			if *dump != "" {
				if err := dumpConversation(*dump, fmt.Sprintf("c%d-%02d", ci, i), conv, names[i]); err != nil {
					return fail(err)
				}
			}
		}
	}
	if *hour > 0 {
		long := longConversation(bank, *seed, *hour, *gainJitter, *snr)
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				return fail(err)
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return fail(err)
			}
			defer pprof.StopCPUProfile()
		}
		for range *hourRuns {
			res, err := measure(ctx, long, false)
			if err != nil {
				return fail(err)
			}
			rep.addLong(res)
		}
	}
	rep.print(stdout)
	if *jsonPath != "" {
		if err := rep.writeJSON(*jsonPath); err != nil {
			return fail(err)
		}
	}
	return 0
}

// longConversation joins 4-person wideband conversations of the same
// people into one recording of about d (clips repeat: it is for timing).
func longConversation(bank *voiceBank, seed uint64, d time.Duration, gainJitter, snr float64) conversation {
	rng := rand.New(rand.NewPCG(seed, 1000))
	vs := drawVoices(rng, false, 4, anyPair, 0)
	var parts []conversation
	var total time.Duration
	for total < d {
		c := renderReal(rng, bank, vs, 40, gainJitter, snr, 0)
		parts = append(parts, c)
		total += c.duration()
	}
	return concat(parts)
}

// result is one conversation's outcome.
type result struct {
	speakers, found int
	der, derOracle  float64
	elapsed         time.Duration // wall time
	cpu             time.Duration // CPU time of the process, all threads
	audio           time.Duration
	half            int    // 0: tuning half, 1: held-out half
	allocMB         uint64 // bytes allocated by the timed run, in MB
}

// measure diarizes conv with the energy VAD, estimating the speaker count
// (timed), and, with oracle, once more given the count.
func measure(ctx context.Context, conv conversation, oracle bool) (result, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	start := time.Now()
	hyp, err := diarize.Diarize(ctx, conv.samples, nil, diarize.Options{})
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	if err != nil {
		return result{}, err
	}
	found := map[int]bool{}
	for _, t := range hyp {
		found[t.Speaker] = true
	}
	res := result{
		speakers: conv.speakers,
		found:    len(found),
		der:      diarize.DER(conv.ref, hyp, 250*time.Millisecond),
		elapsed:  elapsed,
		cpu:      cpu,
		audio:    conv.duration(),
		allocMB:  (after.TotalAlloc - before.TotalAlloc) >> 20,
	}
	if oracle {
		given, err := diarize.Diarize(ctx, conv.samples, nil, diarize.Options{Speakers: conv.speakers})
		if err != nil {
			return result{}, err
		}
		res.derOracle = diarize.DER(conv.ref, given, 250*time.Millisecond)
	}
	return res, nil
}

// voiceNames lists the people of a real-voice conversation.
func voiceNames(vs []realVoice) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += " "
		}
		g := "m"
		if v.female {
			g = "f"
		}
		s += v.name + "(" + g + ")"
	}
	return s
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
