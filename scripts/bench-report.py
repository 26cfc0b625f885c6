#!/usr/bin/env python3
"""bench-report.py: turns the JSON files scripts/bench.sh collected into
BENCHMARKS.md (printed on stdout).

Usage: bench-report.py WORKDIR RUNS QUICK
"""
import glob
import json
import os
import platform
import statistics
import subprocess
import sys


def load(pattern):
    out = []
    for p in sorted(glob.glob(pattern)):
        with open(p) as f:
            out.append(json.load(f))
    return out


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def cpu_model():
    for line in read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def mem_total():
    for line in read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def fmt(v, digits):
    return f"{v:.{digits}f}"


rows = []   # (benchmark, figure, values, unit, digits)
explain = {}  # benchmark -> a paragraph above its table
goals = []  # (goal, measured, verdict, per-run)


def row(bench, figure, values, unit, digits=1):
    rows.append((bench, figure, values, unit, digits))


def goal(text, values, ok, unit, digits=1):
    """ok(v) -> bool; the verdict is on the median, with the runs that pass."""
    if not values:
        goals.append((text, "n/a", "not run", ""))
        return
    med = statistics.median(values)
    passing = sum(1 for v in values if ok(v))
    goals.append((text, f"{fmt(med, digits)} {unit}".strip(),
                  "PASS" if ok(med) else "MISS", f"{passing}/{len(values)}"))


def main():
    work, runs, quick = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    notes = []

    # --- engine
    eng = load(os.path.join(work, "engine.json"))
    engine_rtf = None
    if eng:
        e = eng[0]
        ours, theirs = e["runs"]["instanttranscriber"], e["runs"]["whisper-cli"]
        ow = [r["wall_s"] for r in ours]
        tw = [r["wall_s"] for r in theirs]
        orss = [r["rss_mib"] for r in ours]
        trss = [r["rss_mib"] for r in theirs]
        ratio = [a / b for a, b in zip(ow, tw)]
        drss = [a - b for a, b in zip(orss, trss)]
        b = (f"engine ({e['clip_s']:.0f} s clip, {os.path.basename(e['model'])}, "
             f"{e['threads']} threads, beam {e['beam']}, best-of {e['best_of']})")
        row(b, "instanttranscriber wall", ow, "s", 3)
        row(b, "whisper-cli wall", tw, "s", 3)
        row(b, "wall ratio instanttranscriber / whisper-cli (per run pair)", ratio, "", 3)
        row(b, "instanttranscriber x realtime", [e["clip_s"] / w for w in ow], "x", 1)
        row(b, "instanttranscriber peak RSS", orss, "MiB", 1)
        row(b, "whisper-cli peak RSS", trss, "MiB", 1)
        row(b, "peak RSS difference (per run pair)", drss, "MiB", 1)
        engine_rtf = statistics.median(ow) / e["clip_s"]
        explain[b] = ("The same work for both programs: the same clip, model, threads and decoding "
                      "parameters, each run of one followed by a run of the other (after one warm-up "
                      "each). The ratios are per run pair; ratio of the medians: "
                      f"{statistics.median(ow) / statistics.median(tw):.3f} (wall), "
                      f"{statistics.median(orss) - statistics.median(trss):+.1f} MiB (peak RSS). "
                      f"Same text from both: {e.get('same_text')}.")
        goal("engine wall ratio vs whisper-cli <= 1.05", ratio, lambda v: v <= 1.05, "", 3)
        goal("engine peak RSS <= whisper-cli + 30 MB", drss, lambda v: v <= 30 * 1e6 / 2**20, "MiB")
        try:
            load1 = float(read(os.path.join(work, "load_start")).split()[0])
        except (IndexError, ValueError):
            load1 = 0.0
        spread = max(max(ow) / min(ow), max(tw) / min(tw))
        if load1 > (os.cpu_count() or 1) or spread > 1.25:
            notes.append(
                f"bench-engine: the load average at the start ({load1:.1f}) was above the core count "
                f"({os.cpu_count()}) or a program's wall time varied by more than 25% between runs "
                f"(here up to {spread:.2f}x): the engine walls, and so the ratio, measure contention "
                "with the other jobs as much as the code. whisper.cpp's OpenMP threads spin while "
                "they wait, which a busy 2-core machine punishes unevenly. Rerun on a quiet machine "
                "before reading anything into the ratio.")
        if not e.get("same_text", True):
            notes.append("bench-engine: the two programs' texts differed (see the run's output).")
        # Language detection: --language auto against a fixed language, on
        # the short clip and the long one, one thread (CPU time = work).
        for lc in e.get("language", []):
            lb = (f"language detection ({lc['clip']} clip, {lc['clip_s']:.0f} s, "
                  f"{lc.get('threads', 1)} thread, auto against en)")
            cpu, walls = lc["cpu"], lc["walls"]
            for name in ("instanttranscriber en", "instanttranscriber auto", "whisper-cli en", "whisper-cli auto"):
                row(lb, f"{name} CPU", cpu[name], "s", 3)
            auto_cpu = [a / f for a, f in zip(cpu["instanttranscriber auto"], cpu["instanttranscriber en"])]
            auto_wall = [a / f for a, f in zip(walls["instanttranscriber auto"], walls["instanttranscriber en"])]
            row(lb, "instanttranscriber auto / en, CPU (per run pair)", auto_cpu, "", 3)
            row(lb, "instanttranscriber auto / en, wall (per run pair)", auto_wall, "", 3)
            explain[lb] = ("Each program with --language auto (whisper-cli: -l auto) against the same "
                           "program with the language fixed, timestamps on in both, alternating. "
                           "whisper-cli is built from the same patched whisper.cpp tree "
                           "(scripts/patch-whisper.sh), so its auto mode reuses the detection's "
                           "encoder pass too. Same text, auto and fixed: "
                           f"{lc.get('same_text')}.")
            goal(f"language auto <= 1.05x fixed, CPU ({lc['clip']} clip)", auto_cpu, lambda v: v <= 1.05, "", 3)
    else:
        notes.append("bench-engine did not produce results.")

    # --- API
    api = load(os.path.join(work, "api.*.json"))
    if api:
        c0 = api[0]["create"]
        b = (f"API (bench-api: {c0['requests']} creates of a 1 MB WAV, then status GETs for "
             f"{api[0]['get']['elapsed_s']:.0f} s)")
        explain[b] = ("A fresh server per run (empty data dir, rate and queue limits off, the "
                      "admin key). Its worker transcribes the created jobs while the load runs "
                      "(a 32 s tone each), so whisper competes for the same cores as the HTTP "
                      "path and the load generator. The jobs are cancelled and deleted after "
                      "each run.")
        c = [a["create"] for a in api]
        g = [a["get"] for a in api]
        row(b, "create req/s", [x["req_per_s"] for x in c], "req/s", 0)
        row(b, "create p50", [x["p50_ms"] for x in c], "ms", 1)
        row(b, "create p99", [x["p99_ms"] for x in c], "ms", 1)
        row(b, "create max", [x["max_ms"] for x in c], "ms", 1)
        row(b, "create errors", [x["errors"] for x in c], "", 0)
        row(b, "status GET req/s", [x["req_per_s"] for x in g], "req/s", 0)
        row(b, "status GET p50", [x["p50_ms"] for x in g], "ms", 2)
        row(b, "status GET p99", [x["p99_ms"] for x in g], "ms", 2)
        row(b, "status GET errors", [x["errors"] for x in g], "", 0)
        goal("create p99 < 50 ms (and no errors)",
             [x["p99_ms"] if x["errors"] == 0 else float("inf") for x in c], lambda v: v < 50, "ms")
        goal("status GET > 5000 req/s (and no errors)",
             [x["req_per_s"] if x["errors"] == 0 else 0.0 for x in g], lambda v: v > 5000, "req/s", 0)
        out = {}
        for x in c:
            for k, v in x["outcomes"].items():
                out[k] = out.get(k, 0) + v
        notes.append("bench-api create outcomes over all runs: " +
                     ", ".join(f"{k} x{v}" for k, v in sorted(out.items(), key=lambda kv: -kv[1])))
    else:
        notes.append("bench-api did not produce results.")

    # --- webhook
    wh = load(os.path.join(work, "webhook.*.json"))
    if wh:
        b = f"webhook (bench-webhook, {wh[0]['deliveries']} deliveries; latency {wh[0]['latency_jobs']} jobs at {wh[0]['latency_rate']}/s)"
        explain[b] = ("The real store (bbolt in a temp dir), dispatcher and SSRF-guarded client "
                      "against a loopback receiver in the same process: deliveries/s drains a "
                      "full outbox; the latency is from the FinishJob commit to the first "
                      "attempt's arrival.")
        row(b, "deliveries/s", [x["deliveries_per_s"] for x in wh], "/s", 0)
        row(b, "terminal -> first attempt p50", [x["latency_p50_ms"] for x in wh], "ms", 2)
        row(b, "terminal -> first attempt p99", [x["latency_p99_ms"] for x in wh], "ms", 2)
        row(b, "terminal -> first attempt max", [x["latency_max_ms"] for x in wh], "ms", 2)
        goal("webhook >= 500 deliveries/s", [x["deliveries_per_s"] for x in wh], lambda v: v >= 500, "/s", 0)
        goal("webhook terminal -> first attempt p50 < 50 ms", [x["latency_p50_ms"] for x in wh], lambda v: v < 50, "ms", 2)
    else:
        notes.append("bench-webhook did not produce results.")

    # --- diarization
    skipped = read(os.path.join(work, "diarize.skipped"))
    dz = load(os.path.join(work, "diarize.*.json"))
    if dz:
        b = f"diarization (bench-diarization, {dz[0]['conditions'][1]['n'] if len(dz[0]['conditions']) > 1 else '?'} real-voice conversations per condition and run, seed = run)"
        names = [c["name"] for c in dz[0]["conditions"]]
        for name in names:
            cs = [next(c for c in d["conditions"] if c["name"] == name) for d in dz]
            row(b, f"DER, {name}", [100 * c["der"] for c in cs], "%", 1)
        for name in names:
            cs = [next(c for c in d["conditions"] if c["name"] == name) for d in dz]
            row(b, f"DER given the count, {name}", [100 * c["der_given_count"] for c in cs], "%", 1)
        row(b, "speaker count right (real voices)", [100 * d["count_accuracy"] for d in dz], "%", 0)
        row(b, "diarization time / audio time (real voices, wall)", [100 * d["time_per_audio"] for d in dz], "%", 2)
        long = [d for d in dz if "long_cpu_s" in d]
        if long:
            row(b, f"diarization CPU time, {long[0]['long_audio_s'] / 60:.0f} min recording", [max(d["long_cpu_s"]) for d in long], "s", 1)
            row(b, f"diarization wall time, {long[0]['long_audio_s'] / 60:.0f} min recording", [max(d["long_wall_s"]) for d in long], "s", 1)
        goal("real voices: DER <= 5% (2 speakers)", [100 * d["der_2"] for d in dz], lambda v: v <= 5, "%")
        goal("real voices: DER <= 10% (3-4 speakers)", [100 * d["der_34"] for d in dz], lambda v: v <= 10, "%")
        goal("real voices: speaker count right >= 90% of conversations", [100 * d["count_accuracy"] for d in dz],
             lambda v: v >= 90, "%", 0)
        if long:
            # CPU time, not wall: the machine is shared, and whisper's
            # greedy tiny time (-whisper-rtf) was measured alone.
            goal(f"diarization CPU time at {long[0]['long_audio_s'] / 60:.0f} min <= 10% of whisper tiny greedy (RTF {long[0]['whisper_rtf']})",
                 [100 * max(d["long_cpu_s"]) / (d["long_audio_s"] * d["whisper_rtf"]) for d in long], lambda v: v <= 10, "%")
        explain[b] = ("Conversations with known turns built from recordings of 18 real people shipped in Debian "
                      "packages (scripts/benchdiarize/fetch-voices.sh: KDE ktuberling readers, wideband; Asterisk "
                      "prompt voices, 8 kHz), and an espeak-ng line as an extra; DER with a 0.25 s collar, speaker "
                      "count estimated (and, in the second block, given). Each run draws new conversations "
                      "(seed = run number), so the range is the spread over draws. The DER and "
                      "count figures do not depend on the machine; the time figures do.")
    else:
        for g in ("real voices: DER <= 5% (2 speakers)", "real voices: DER <= 10% (3-4 speakers)",
                  "real voices: speaker count right >= 90% of conversations", "diarization CPU time <= 10% of whisper tiny greedy"):
            goals.append((g, "n/a", "SKIPPED", ""))
        notes.append(f"bench-diarization skipped: {skipped or 'no results'}.")

    # --- write
    version = read(os.path.join(work, "version"))
    vlines = version.splitlines()
    p = print
    p("# Benchmarks")
    p()
    p("Generated by `make bench` (scripts/bench.sh, scripts/bench-report.py); do not edit by hand, rerun it.")
    p()
    p(f"- date: {read(os.path.join(work, 'date_start'))} (UTC), total {read(os.path.join(work, 'elapsed_s'))} s")
    p(f"- runs: {runs} of each benchmark{' (BENCH_QUICK=1: smaller sizes)' if quick else ''}")
    p(f"- machine: {os.cpu_count()} cores, {cpu_model()}, {mem_total()} RAM, Linux {platform.release()}")
    p(f"- go: {sh('go', 'version')}")
    p(f"- build: {vlines[0] if vlines else '?'}; {vlines[1] if len(vlines) > 1 else 'whisper.cpp ?'}")
    p(f"- load average (1/5/15 min, runnable/total): start `{read(os.path.join(work, 'load_start'))}`, "
      f"end `{read(os.path.join(work, 'load_end'))}`")
    p()
    p("**Read the ranges, not just the medians.** This machine is shared (other jobs, "
      "such as other test suites, may run at the same time: see the load average above), "
      f"and it has {os.cpu_count()} cores: the load generators (bench-api's clients, bench-webhook's "
      "receiver) run on the same cores as the server and whisper, so the API and webhook "
      "figures are lower bounds for a server with cores of its own, and a busy neighbour "
      "shows up as a wide min-max range. The engine runs alternate instanttranscriber and "
      "whisper-cli so drift hits both alike; the ratio is per run pair.")
    p()
    p("## Commands")
    p()
    p("```")
    p(read(os.path.join(work, "commands")))
    p("```")
    p()
    p("## Results")
    p()
    p(f"Median, min and max over {runs} run(s); every run's raw figures came from the benchmarks' -json/--json output.")
    p()
    seen = []
    for r in rows:
        if r[0] not in seen:
            seen.append(r[0])
    for bench in seen:
        p(f"### {bench}")
        p()
        if bench in explain:
            p(explain[bench])
            p()
        p("| figure | median | min | max | unit |")
        p("|---|--:|--:|--:|---|")
        for b, figure, values, unit, digits in rows:
            if b == bench:
                p(f"| {figure} | {fmt(statistics.median(values), digits)} | "
                  f"{fmt(min(values), digits)} | {fmt(max(values), digits)} | {unit} |")
        p()
    p()
    p("## Goals")
    p()
    p("The verdict is on the median; \"runs\" counts the runs that meet the goal by themselves.")
    p()
    p("| goal | median | verdict | runs |")
    p("|---|--:|---|--:|")
    for g in goals:
        p(f"| {g[0]} | {g[1]} | {g[2]} | {g[3]} |")
    if notes:
        p()
        p("## Notes")
        p()
        for n in notes:
            p(f"- {n}")


if __name__ == "__main__":
    main()
