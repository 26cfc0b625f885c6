package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// recorder collects one client's latencies and outcomes; each client has
// its own, so recording needs no lock.
type recorder struct {
	lat    []time.Duration
	labels map[string]int
}

func (r *recorder) add(d time.Duration, label string) {
	if r.labels == nil {
		r.labels = make(map[string]int)
	}
	r.lat = append(r.lat, d)
	r.labels[label]++
}

// result is one phase's merged measurements.
type result struct {
	name    string
	okLabel string
	elapsed time.Duration
	lat     []time.Duration // sorted by done
	labels  map[string]int  // outcome ("202", "429", "net", "no-id") -> count
}

func (r *result) merge(rec recorder) {
	if r.labels == nil {
		r.labels = make(map[string]int)
	}
	r.lat = append(r.lat, rec.lat...)
	for k, v := range rec.labels {
		r.labels[k] += v
	}
}

func (r result) done() result {
	slices.Sort(r.lat)
	return r
}

func (r result) n() int      { return len(r.lat) }
func (r result) errors() int { return r.n() - r.labels[r.okLabel] }

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.n()) / r.elapsed.Seconds()
}

// pct returns the nearest-rank percentile p (0 < p <= 100).
func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*p/100+0.999999) - 1
	return r.lat[max(0, min(i, len(r.lat)-1))]
}

// outcomes lists the counts by outcome, most frequent first: "202 x498, 429 x2".
func (r result) outcomes() string {
	keys := slices.SortedFunc(maps.Keys(r.labels), func(a, b string) int {
		if r.labels[a] != r.labels[b] {
			return r.labels[b] - r.labels[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s x%d", k, r.labels[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// createVerdict and getVerdict hold the phases to the goals.
func createVerdict(r result) string {
	return verdict(r, "no requests", func() bool { return r.pct(99) < goalCreateP99 })
}

func getVerdict(r result) string {
	return verdict(r, "no jobs to poll", func() bool { return r.rate() > goalGetRate })
}

// verdict is PASS when the phase made requests (empty says why not), none
// of them failed, and met then holds; errors make a phase miss, so a fast
// stream of 429s does not pass.
func verdict(r result, empty string, met func() bool) string {
	switch {
	case r.n() == 0:
		return "MISS (" + empty + ")"
	case r.errors() > 0:
		return fmt.Sprintf("MISS (%d errors)", r.errors())
	case !met():
		return "MISS"
	}
	return "PASS"
}

// report prints the table of both phases, the outcomes and the goals.
func report(w io.Writer, create, get result, created int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trequests\terrors\treq/s\tp50\tp90\tp99\tmax\t")
	for _, r := range []result{create, get} {
		if r.name == "" {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t\n", r.name, r.n(), r.errors(), r.rate(),
			ms(r.pct(50)), ms(r.pct(90)), ms(r.pct(99)), ms(r.pct(100)))
	}
	tw.Flush()

	fmt.Fprintf(w, "\ncreate responses: %s (%d jobs created)\n", create.outcomes(), created)
	if get.name != "" {
		fmt.Fprintf(w, "status responses: %s\n", get.outcomes())
	}
	if create.labels["429"] > 0 || create.labels["402"] > 0 {
		fmt.Fprintln(w, "note: 429/402 mean the rate limit, queue limit or quota was hit; "+
			"benchmark with them off and an unlimited key")
	}

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "goal\tmeasured\tverdict")
	fmt.Fprintf(tw, "create p99 < %d ms\t%s\t%s\n", goalCreateP99.Milliseconds(), ms(create.pct(99)), createVerdict(create))
	fmt.Fprintf(tw, "status GET > %.0f req/s\t%.0f req/s\t%s\n", goalGetRate, get.rate(), getVerdict(get))
	tw.Flush()
}

// summary is one line for a closing note.
func summary(create, get result) string {
	return fmt.Sprintf("bench-api: create %d req, %.0f req/s, p50 %s, p99 %s, %d errors [goal p99 < %d ms: %s]; "+
		"status GET %d req, %.0f req/s, p50 %s, p99 %s, %d errors [goal > %.0f req/s: %s]",
		create.n(), create.rate(), ms(create.pct(50)), ms(create.pct(99)), create.errors(), goalCreateP99.Milliseconds(), createVerdict(create),
		get.n(), get.rate(), ms(get.pct(50)), ms(get.pct(99)), get.errors(), goalGetRate, getVerdict(get))
}

// phaseJSON is one phase's figures in the -json output; latencies in ms.
type phaseJSON struct {
	Requests int            `json:"requests"`
	Errors   int            `json:"errors"`
	Elapsed  float64        `json:"elapsed_s"`
	Rate     float64        `json:"req_per_s"`
	P50      float64        `json:"p50_ms"`
	P90      float64        `json:"p90_ms"`
	P99      float64        `json:"p99_ms"`
	Max      float64        `json:"max_ms"`
	Outcomes map[string]int `json:"outcomes"`
	Verdict  string         `json:"verdict"`
}

func toJSON(r result, verdict string) phaseJSON {
	f := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return phaseJSON{
		Requests: r.n(), Errors: r.errors(), Elapsed: r.elapsed.Seconds(), Rate: r.rate(),
		P50: f(r.pct(50)), P90: f(r.pct(90)), P99: f(r.pct(99)), Max: f(r.pct(100)),
		Outcomes: r.labels, Verdict: verdict,
	}
}

// writeJSON writes both phases' figures to path (the -json flag).
func writeJSON(path string, create, get result, created int) error {
	b, err := json.MarshalIndent(map[string]any{
		"create":  toJSON(create, createVerdict(create)),
		"get":     toJSON(get, getVerdict(get)),
		"created": created,
	}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
