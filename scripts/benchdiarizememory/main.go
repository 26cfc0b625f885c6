// Command benchdiarizememory measures the diarizer's peak memory on decoded
// audio that lives in a mapped temporary file, as the worker hands it over:
// it decodes FILE with audio.DecodeFileTo, runs diarize.Diarize over the
// whole mapping (speech found by the energy detector), releasing the
// samples each pass leaves behind as the worker does, and prints the
// process's peak resident memory before and after, split into anonymous
// memory (the diarizer's own) and file pages (the mapped samples), the
// peak Go heap and the CPU time of the diarization.
//
//	go run ./scripts/benchdiarizememory FILE
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/engine/diarize"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchdiarizememory FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "benchdiarizememory:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	ctx := context.Background()
	pcm, err := audio.DecodeFileTo(ctx, path, "", audio.Options{})
	if err != nil {
		return err
	}
	defer pcm.Close()
	report("decoded " + pcm.Duration().String())

	// Sample the resident set while the diarizer runs: VmHWM is the peak of
	// the total, RssAnon and RssFile are only seen at each sample.
	done := make(chan struct{})
	peaks := make(chan [3]int64)
	go func() {
		var anon, file, heap int64
		var ms runtime.MemStats
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			st := status()
			anon, file = max(anon, st["RssAnon"]), max(file, st["RssFile"])
			runtime.ReadMemStats(&ms)
			heap = max(heap, int64(ms.HeapInuse))
			select {
			case <-done:
				peaks <- [3]int64{anon, file, heap}
				return
			case <-tick.C:
			}
		}
	}()
	start, cpu0 := time.Now(), cpuTime()
	turns, err := diarize.Diarize(ctx, pcm.Samples, nil, diarize.Options{Release: pcm.Release})
	cpu := cpuTime() - cpu0
	close(done)
	p := <-peaks
	if err != nil {
		return err
	}
	hours := pcm.Duration().Hours()
	fmt.Printf("diarized in %v (CPU %v, %v per hour of audio): %d turns\n", time.Since(start).Round(time.Second),
		cpu.Round(100*time.Millisecond), time.Duration(float64(cpu)/hours).Round(100*time.Millisecond), len(turns))
	fmt.Printf("peak while diarizing: RssAnon %d MiB, RssFile %d MiB, Go heap in use %d MiB\n", p[0]>>10, p[1]>>10, p[2]>>20)
	report("after")
	return nil
}

// report prints the process's VmHWM and current RssAnon and RssFile.
func report(what string) {
	st := status()
	fmt.Printf("%s: VmHWM %d MiB, RssAnon %d MiB, RssFile %d MiB\n", what, st["VmHWM"]>>10, st["RssAnon"]>>10, st["RssFile"]>>10)
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// status returns the kB fields of /proc/self/status.
func status() map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var n int64
		if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &n); err == nil {
			out[k] = n
		}
	}
	return out
}
