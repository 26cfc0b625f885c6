// Command benchdiarize measures speaker diarization (engine/diarize) on
// synthetic conversations: utterances from different espeak-ng voices, and
// optionally pieces of a real recording as one more participant, joined
// with short random pauses (sometimes back to back) and light noise, with
// known turn boundaries. For each condition it reports the mean DER with a
// 0.25 s collar (speaker count estimated, and with the true count given),
// how often the speaker count is right, and the diarization time relative
// to the audio and to whisper tiny's transcription time.
//
// It needs espeak-ng and sox in PATH.
//
// The conversations are seeded, so a run is repeatable. The real recording
// (-real, by default testdata/jfk.wav: 11 s of one speaker) is
// cut at its pauses and each piece used once per conversation; without it
// the real-speaker conditions are skipped. The 10-minute conditions reuse
// sentences, each time at a slightly different pace.
//
//	make bench-diarization
//	go run ./scripts/benchdiarize [-n 12] [-seed 1] [-whisper-rtf 0.09] [-real path] [-v] [-dump dir] [-json file]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
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
	real     bool // one participant is the real recording
	turns    int
	maxDER   float64 // goal, 0 for none
	fewer    bool    // a long condition: a quarter as many conversations
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("benchdiarize", flag.ContinueOnError)
	fl.SetOutput(stderr)
	n := fl.Int("n", 12, "conversations per condition (a quarter as many for the 10-minute ones)")
	seed := fl.Uint64("seed", 1, "random seed")
	turns := fl.Int("turns", 16, "turns per conversation")
	snr := fl.Float64("snr", 30, "signal-to-noise ratio of the added white noise, dB")
	gainJitter := fl.Float64("gain-jitter", 4, "each turn's level varies by up to this many dB")
	whisperRTF := fl.Float64("whisper-rtf", 0.09, "whisper's real-time factor, transcription seconds per audio second (tiny on 2 threads: 1 s per 11 s)")
	realPath := fl.String("real", "testdata/jfk.wav", "a recording of one real speaker to mix in; \"\" to skip")
	dump := fl.String("dump", "", "write each conversation's WAV and reference turns into this directory")
	verbose := fl.Bool("v", false, "print every conversation")
	jsonPath := fl.String("json", "", "also write the per-condition figures to this file as JSON")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if err := checkTools(); err != nil {
		fmt.Fprintln(stderr, "benchdiarize:", err)
		return 1
	}
	var realParts [][]float32
	if *realPath != "" {
		parts, err := loadReal(ctx, *realPath)
		if err != nil {
			fmt.Fprintf(stderr, "benchdiarize: %v (skipping the real speaker; -real \"\" to silence)\n", err)
		}
		realParts = parts
	}
	conds := []condition{
		{name: "1 speaker", speakers: 1, turns: *turns / 2},
		{name: "2 speakers", speakers: 2, turns: *turns, maxDER: 0.10},
		{name: "3 speakers", speakers: 3, turns: *turns, maxDER: 0.20},
		{name: "4 speakers", speakers: 4, turns: *turns},
		{name: "2 speakers, 10 min", speakers: 2, turns: 160, fewer: true},
		{name: "4 speakers, 10 min", speakers: 4, turns: 160, fewer: true},
	}
	if realParts != nil {
		conds = append(conds,
			condition{name: "1 speaker, real", speakers: 1, real: true, turns: 4},
			condition{name: "2 speakers, real + espeak", speakers: 2, real: true, turns: *turns, maxDER: 0.10},
			condition{name: "3 speakers, real + espeak", speakers: 3, real: true, turns: *turns, maxDER: 0.20})
	}
	if *dump != "" {
		if err := os.MkdirAll(*dump, 0o755); err != nil {
			fmt.Fprintln(stderr, "benchdiarize:", err)
			return 1
		}
	}

	syn := newSynthesizer()
	rep := &report{whisperRTF: *whisperRTF}
	for ci, cond := range conds {
		rng := rand.New(rand.NewPCG(*seed, uint64(ci)))
		count := *n
		if cond.fewer {
			count = max(1, count/4)
		}
		plans := make([]plan, count)
		var utts []utterance
		for i := range plans {
			nreal := 0
			if cond.real {
				nreal = len(realParts)
			}
			plans[i] = newPlan(rng, cond.speakers, cond.turns, nreal, *gainJitter)
			utts = append(utts, plans[i].utterances()...)
		}
		if err := syn.prepare(ctx, utts, runtime.NumCPU()); err != nil {
			fmt.Fprintln(stderr, "benchdiarize:", err)
			return 1
		}
		for i, p := range plans {
			conv := p.render(rng, syn, realParts, *snr)
			res, err := measure(ctx, conv)
			if err != nil {
				fmt.Fprintln(stderr, "benchdiarize:", err)
				return 1
			}
			rep.add(cond, res)
			if *verbose {
				fmt.Fprintf(stdout, "%-28s #%d  %5.1fs  speakers %d->%d  DER %5.1f%% (given count %5.1f%%)  %v\n",
					cond.name, i, conv.duration().Seconds(), conv.speakers, res.found, 100*res.der, 100*res.derOracle, res.elapsed.Round(time.Millisecond))
			}
			if *dump != "" {
				if err := dumpConversation(*dump, fmt.Sprintf("c%d-%02d", ci, i), conv, p); err != nil {
					fmt.Fprintln(stderr, "benchdiarize:", err)
					return 1
				}
			}
		}
	}
	rep.print(stdout)
	if *jsonPath != "" {
		if err := rep.writeJSON(*jsonPath); err != nil {
			fmt.Fprintln(stderr, "benchdiarize:", err)
			return 1
		}
	}
	return 0
}

// result is one conversation's outcome.
type result struct {
	speakers, found int
	der, derOracle  float64
	elapsed         time.Duration
	audio           time.Duration
}

// measure diarizes conv with the energy VAD, once estimating the speaker
// count (timed) and once given it.
func measure(ctx context.Context, conv conversation) (result, error) {
	start := time.Now()
	hyp, err := diarize.Diarize(ctx, conv.samples, nil, diarize.Options{})
	elapsed := time.Since(start)
	if err != nil {
		return result{}, err
	}
	oracle, err := diarize.Diarize(ctx, conv.samples, nil, diarize.Options{Speakers: conv.speakers})
	if err != nil {
		return result{}, err
	}
	found := map[int]bool{}
	for _, t := range hyp {
		found[t.Speaker] = true
	}
	return result{
		speakers:  conv.speakers,
		found:     len(found),
		der:       diarize.DER(conv.ref, hyp, 250*time.Millisecond),
		derOracle: diarize.DER(conv.ref, oracle, 250*time.Millisecond),
		elapsed:   elapsed,
		audio:     conv.duration(),
	}, nil
}
