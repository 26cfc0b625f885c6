//go:build whisper

// Command benchvocab measures what the vocabulary create field does for
// rare names: it speaks sentences that hold unusual names with espeak-ng,
// transcribes each clip with the real engine twice, without a prompt and
// with the set's names as Options.Vocabulary (the glossary a user would
// send), and reports the word error rate and the share of names
// transcribed exactly, for each voice.
//
// It needs espeak-ng in PATH. Speech is synthetic, so the figures show the
// direction and size of the effect on names, not accuracy on real voices.
//
//	go run -tags whisper ./scripts/benchvocab [-model models/ggml-tiny-q8_0.bin] [-voices en-us,en-gb] [-threads 2] [-v]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
)

// clips are the sentences spoken, each with the rare names it holds.
var clips = []struct {
	text  string
	names []string
}{
	{"Please send the signed contract to Siobhan Nkemelu before Thursday.", []string{"Siobhan", "Nkemelu"}},
	{"The new cluster in Tbilisi was set up by Oyelaran last night.", []string{"Tbilisi", "Oyelaran"}},
	{"Our guest today is Dr. Przemyslaw Wojcik from the Gdansk lab.", []string{"Przemyslaw", "Wojcik", "Gdansk"}},
	{"Ask Thandiwe Mokoena whether the Xylofon release is ready.", []string{"Thandiwe", "Mokoena", "Xylofon"}},
	{"The meeting with Kawika Nakoa moved to the Quillon office.", []string{"Kawika", "Nakoa", "Quillon"}},
	{"Aoife Ni Bhriain will present the Zentrix roadmap tomorrow.", []string{"Aoife", "Bhriain", "Zentrix"}},
	{"Call Eleftheria Papadakis about the Vantablue invoice.", []string{"Eleftheria", "Papadakis", "Vantablue"}},
	{"The Kinvara project is led by Ngozi Adeyemi and Rui Tavares.", []string{"Kinvara", "Ngozi", "Adeyemi", "Tavares"}},
	{"Yesterday Saoirse Dunleavy fixed the Grafloq dashboard.", []string{"Saoirse", "Dunleavy", "Grafloq"}},
	{"Send the Ostrava numbers to Jiri Hlavacek by noon.", []string{"Ostrava", "Jiri", "Hlavacek"}},
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchvocab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "models/ggml-tiny-q8_0.bin", "whisper model")
	voices := fs.String("voices", "en-us,en-gb", "espeak-ng voices, comma-separated")
	threads := fs.Int("threads", 2, "whisper threads")
	verbose := fs.Bool("v", false, "print every transcript")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		fmt.Fprintln(stderr, "benchvocab: espeak-ng is not in PATH")
		return 1
	}
	model, err := engine.Load(engine.Config{ModelPath: *modelPath}, nil)
	if err != nil {
		fmt.Fprintln(stderr, "benchvocab:", err)
		return 1
	}
	defer model.Close()
	state, err := model.NewState()
	if err != nil {
		fmt.Fprintln(stderr, "benchvocab:", err)
		return 1
	}
	defer state.Close()
	dir, err := os.MkdirTemp("", "benchvocab-")
	if err != nil {
		fmt.Fprintln(stderr, "benchvocab:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	var glossary []string
	for _, c := range clips {
		glossary = append(glossary, c.names...)
	}
	fmt.Fprintf(stdout, "benchvocab: %d espeak-ng clips, %d names, model %s, greedy, %d threads\n", len(clips), len(glossary), filepath.Base(*modelPath), *threads)
	fmt.Fprintf(stdout, "%-8s %-12s %6s %10s %8s\n", "voice", "vocabulary", "WER", "names hit", "time")
	for _, voice := range strings.Split(*voices, ",") {
		for _, withVocab := range []bool{false, true} {
			var errs, words, hits, names int
			var took time.Duration
			for i, c := range clips {
				wav := filepath.Join(dir, fmt.Sprintf("%s-%d.wav", voice, i))
				if out, err := exec.CommandContext(ctx, "espeak-ng", "-v", voice, "-s", "150", "-w", wav, c.text).CombinedOutput(); err != nil {
					fmt.Fprintf(stderr, "benchvocab: espeak-ng: %v: %s\n", err, out)
					return 1
				}
				pcm, err := audio.DecodeFile(ctx, wav, audio.Options{})
				if err != nil {
					fmt.Fprintln(stderr, "benchvocab:", err)
					return 1
				}
				opts := engine.Options{Language: "en", Threads: *threads}
				if withVocab {
					opts.Vocabulary = glossary
				}
				start := time.Now()
				tr, err := state.Transcribe(ctx, pcm.Samples, opts)
				took += time.Since(start)
				if err != nil {
					fmt.Fprintln(stderr, "benchvocab:", err)
					return 1
				}
				ref, hyp := normWords(c.text), normWords(tr.Text)
				errs += editDistance(ref, hyp)
				words += len(ref)
				for _, n := range c.names {
					names++
					if contains(hyp, strings.ToLower(n)) {
						hits++
					}
				}
				if *verbose {
					fmt.Fprintf(stdout, "  [%s vocab=%v] %q\n", voice, withVocab, tr.Text)
				}
			}
			fmt.Fprintf(stdout, "%-8s %-12v %5.1f%% %4d/%-5d %7.1fs\n", voice, withVocab, 100*float64(errs)/float64(words), hits, names, took.Seconds())
		}
	}
	return 0
}

// normWords lower-cases s and splits it into words without punctuation.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

func contains(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// editDistance is the word-level Levenshtein distance: substitutions,
// insertions and deletions that turn ref into hyp.
func editDistance(ref, hyp []string) int {
	prev := make([]int, len(hyp)+1)
	cur := make([]int, len(hyp)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(hyp); j++ {
			sub := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(hyp)]
}
