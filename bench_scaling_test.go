//go:build benchscaling

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
	"github.com/instanttranscriber/instanttranscriber/internal/pgtest"
)

// The sizes of make bench-scaling; BENCH_SCALING_QUICK=1 makes a run of
// about a minute, to check that the bench works.
func scalingSizes() (creates, throughputJobs, kills int, gets string) {
	if os.Getenv("BENCH_SCALING_QUICK") == "1" {
		return 40, 4, 1, "2s"
	}
	return 200, 12, 3, "5s"
}

// TestBenchScaling is make bench-scaling: the API on bbolt against
// PostgreSQL (scripts/benchapi against a node with no workers), jobs per
// second with 1, 2 and 3 worker nodes on one database, and the time from a
// node's SIGKILL to its job's rescue by another node. It prints the
// figures; it fails only when a phase does not run to its end.
func TestBenchScaling(t *testing.T) {
	bin := testBinary(t)
	creates, jobs, kills, gets := scalingSizes()
	t.Logf("load at start: %s", loadAvg())
	var lines []string
	defer func() {
		t.Logf("load at end: %s", loadAvg())
		fmt.Println("\nbench-scaling:")
		for _, l := range lines {
			fmt.Println("  " + l)
		}
	}()

	for _, driver := range []string{"bbolt", "postgres"} {
		env := []string{"INSTANTTRANSCRIBER_NODE_WORKERS=false", "INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
			"INSTANTTRANSCRIBER_LIMITS_MAX_QUEUED_PER_KEY=0"}
		if driver == "postgres" {
			env = append(env, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+pgtest.Database(t))
		}
		_, addr, senv := serveEnv(t, env...)
		p := e2e.Start(t, bin, senv, addr)
		out := filepath.Join(t.TempDir(), "benchapi.json")
		cmd := exec.Command("go", "run", "./scripts/benchapi", "-url", p.Base, "-key", p.Key, "-wav", jfkPath,
			"-creates", fmt.Sprint(creates), "-clients", "20", "-gets", gets, "-get-clients", "20", "-json", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("benchapi on %s: %v\n%s", driver, err, b)
		}
		type phase struct {
			Requests int     `json:"requests"`
			Errors   int     `json:"errors"`
			Rate     float64 `json:"req_per_s"`
			P50      float64 `json:"p50_ms"`
			P99      float64 `json:"p99_ms"`
		}
		var r struct{ Create, Get phase }
		b, _ := os.ReadFile(out)
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		p.Stop(t)
		lines = append(lines, fmt.Sprintf("api %-8s create p50 %.1f ms p99 %.1f ms %.0f/s (%d creates, %d errors); status GET %.0f/s p99 %.1f ms",
			driver, r.Create.P50, r.Create.P99, r.Create.Rate, r.Create.Requests, r.Create.Errors, r.Get.Rate, r.Get.P99))
	}

	wav, err := os.ReadFile(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	for nodes := 1; nodes <= 3; nodes++ {
		url := pgtest.Database(t)
		var ps []*e2e.Proc
		for range nodes {
			_, addr, env := serveEnv(t, "INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL="+url,
				"INSTANTTRANSCRIBER_WORKER_WORKERS=1", "INSTANTTRANSCRIBER_WORKER_THREADS_PER_JOB=1",
				"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0", "INSTANTTRANSCRIBER_LIMITS_MAX_QUEUED_PER_KEY=0")
			ps = append(ps, e2e.Start(t, bin, env, addr))
		}
		api, key := ps[0], ps[0].Key
		began := time.Now()
		var ids []string
		for range jobs {
			body, ct := e2e.Form([][2]string{{"language", "en"}}, "jfk.wav", wav)
			ids = append(ids, e2e.Create(t, api.Base, key, ct, body))
		}
		for _, id := range ids {
			if j := api.WaitEnded(t, key, id, 10*time.Minute); j["status"] != "completed" {
				t.Fatalf("job %s: %v", id, j)
			}
		}
		took := time.Since(began)
		for _, p := range ps {
			p.Stop(t)
		}
		lines = append(lines, fmt.Sprintf("workers %d node(s) x 1 worker x 1 thread: %d jobs of jfk.wav (11 s) in %.1f s = %.2f jobs/s",
			nodes, jobs, took.Seconds(), float64(jobs)/took.Seconds()))
	}

	var rescues []time.Duration
	long := jfkTimes(t, 4)
	for range kills {
		url := pgtest.Database(t)
		common := []string{"INSTANTTRANSCRIBER_STORE_DRIVER=postgres", "INSTANTTRANSCRIBER_STORE_POSTGRES_URL=" + url,
			"INSTANTTRANSCRIBER_STORE_LEASE=3s", "INSTANTTRANSCRIBER_WORKER_PROGRESS_INTERVAL=100ms",
			"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0"}
		_, addrA, envA := serveEnv(t, common...)
		a := e2e.Start(t, bin, envA, addrA)
		key := a.Key
		body, ct := e2e.Form([][2]string{{"language", "en"}}, "long.wav", long)
		id := e2e.Create(t, a.Base, key, ct, body)
		a.WaitStage(t, key, id, "transcribing", time.Minute)
		// The survivor is up before the kill: what is measured is the
		// lease and the rescue, not a start.
		_, addrB, envB := serveEnv(t, common...)
		b := e2e.Start(t, bin, envB, addrB)
		a.Kill()
		killed := time.Now()
		e2e.WaitFor(t, time.Minute, "the rescue", func() bool {
			n, _ := b.Job(t, key, id)["attempt"].(float64)
			return n >= 2
		})
		rescues = append(rescues, time.Since(killed))
		b.Kill()
	}
	slices.Sort(rescues)
	var rs []string
	for _, r := range rescues {
		rs = append(rs, r.Round(10*time.Millisecond).String())
	}
	lines = append(lines, fmt.Sprintf("rescue (store.lease 3s, SIGKILL mid-transcription, survivor running): %d kills, %s .. %s (%s)",
		kills, rescues[0].Round(10*time.Millisecond), rescues[len(rescues)-1].Round(10*time.Millisecond), strings.Join(rs, " ")))
}

// loadAvg is the machine's load average, as uptime prints it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
