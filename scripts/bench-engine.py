#!/usr/bin/env python3
"""bench-engine.py: time `instanttranscriber transcribe` against whisper.cpp's
own whisper-cli on the same audio, model, threads and decoding parameters.

Usage: bench-engine.py BIN WHISPER_CLI MODEL [--runs N] [--threads T]
                       [--beam B] [--repeat R] [--audio WAV] [--json FILE]

The clip is WAV repeated R times (default: jfk.wav x 6 = 66 s). Runs alternate
between the two programs so drift on the machine hits both alike. Prints the
median wall time and peak RSS of each, and the ratios. --json FILE also
writes every run's wall time and peak RSS (machine-readable, for make bench).

Then the language-detection cost: each program with --language auto against
the same program with the language fixed (en), on the short clip (WAV once)
and the long one, alternating, with the detected language and the text
compared. Both programs always decode with timestamp tokens (no -nt) and
the same language setting. whisper-cli is built from the same patched tree
(scripts/patch-whisper.sh), so its auto mode reuses the detection pass too;
its fixed-language path is upstream's.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import wave


def make_clip(src, repeat, dest):
    with wave.open(src, "rb") as w:
        params = w.getparams()
        frames = w.readframes(w.getnframes())
    with wave.open(dest, "wb") as out:
        out.setparams(params)
        for _ in range(repeat):
            out.writeframes(frames)
    return params.nframes * repeat / params.framerate


def measure(cmd, cpu=False):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, stdout), with the
    CPU seconds (user + system) appended when cpu is true."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {cmd[0]} failed with status {os.waitstatus_to_exitcode(status)}")
    res = (wall, usage.ru_maxrss / 1024.0, out.decode("utf-8", "replace"))
    if cpu:
        res += (usage.ru_utime + usage.ru_stime,)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("whisper_cli")
    ap.add_argument("model")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--best-of", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=6)
    ap.add_argument("--audio", default="testdata/jfk.wav")
    ap.add_argument("--json", default="", help="write the raw per-run figures to this file")
    ap.add_argument("--lang-runs", type=int, default=5, help="runs of the auto-vs-fixed language comparison (0: skip)")
    ap.add_argument("--lang-threads", type=int, default=1, help="threads for the language comparison (1: CPU time is the work done)")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp()
    clip = os.path.join(tmp, "clip.wav")
    secs = make_clip(a.audio, a.repeat, clip)
    common = dict(t=a.threads, b=a.beam, bo=a.best_of)
    ours = [a.bin, "transcribe", clip, "--model", a.model, "--language", "en",
            "--threads", str(a.threads), "--beam", str(a.beam), "--best-of", str(a.best_of),
            "--format", "txt"]
    theirs = [a.whisper_cli, "-m", a.model, "-f", clip, "-l", "en",
              "-t", str(a.threads), "-bs", str(a.beam), "-bo", str(a.best_of), "-np"]
    # No -nt: it would make whisper-cli decode without timestamp tokens,
    # a different (faster) decode than ours; its timestamps are stripped.
    print(f"clip: {secs:.1f} s ({a.audio} x {a.repeat}); model {a.model}; "
          f"threads {a.threads}, beam {a.beam}, best-of {a.best_of}; {a.runs} runs each")

    if a.runs <= 0:  # only the language comparison
        a.json = ""
        for label, path, length in (("short", make_short(a, tmp), 0), ("long", clip, secs)):
            language_cost(a, label, path, length or secs / a.repeat, ours, theirs, clip)
        return
    # One warm-up each, so the page cache holds the model for both.
    measure(ours)
    measure(theirs)
    results = {"instanttranscriber": [], "whisper-cli": []}
    texts = {}
    for _ in range(a.runs):
        for name, cmd in (("instanttranscriber", ours), ("whisper-cli", theirs)):
            wall, rss, out = measure(cmd)
            results[name].append((wall, rss))
            texts[name] = " ".join(re.sub(r"\[[^\]]*-->[^\]]*\]", " ", out).split())
    print(f"{'program':<20} {'median wall s':>14} {'min wall s':>11} {'peak RSS MiB':>13} {'x realtime':>11}")
    med = {}
    rss = {}
    for name, rows in results.items():
        walls = [w for w, _ in rows]
        med[name] = statistics.median(walls)
        rss[name] = max(r for _, r in rows)
        print(f"{name:<20} {med[name]:>14.3f} {min(walls):>11.3f} {rss[name]:>13.1f} {secs / med[name]:>11.1f}")
    ratio = med["instanttranscriber"] / med["whisper-cli"]
    drss = rss["instanttranscriber"] - rss["whisper-cli"]
    print(f"wall-time ratio (instanttranscriber / whisper-cli): {ratio:.3f}  (goal <= 1.05)")
    print(f"peak RSS difference: {drss:+.1f} MiB  (goal <= +30 MiB)")
    same = texts["instanttranscriber"].strip() == texts["whisper-cli"].strip()
    print(f"same text: {same}")
    if not same:
        print("  instanttranscriber:", texts["instanttranscriber"][:200])
        print("  whisper-cli:       ", texts["whisper-cli"][:200])
    language = []
    if a.lang_runs > 0:
        short = os.path.join(tmp, "short.wav")
        short_s = make_clip(a.audio, 1, short)
        for label, path, length in (("short", short, short_s), ("long", clip, secs)):
            language.append(language_cost(a, label, path, length, ours, theirs, clip))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({
                "clip_s": secs, "audio": a.audio, "repeat": a.repeat, "model": a.model,
                "threads": a.threads, "beam": a.beam, "best_of": a.best_of,
                "runs": {name: [{"wall_s": w, "rss_mib": r} for w, r in rows]
                         for name, rows in results.items()},
                "same_text": same,
                "language": language,
            }, f, indent=1)


def make_short(a, tmp):
    """The audio once, for the short-clip comparison."""
    short = os.path.join(tmp, "short.wav")
    make_clip(a.audio, 1, short)
    return short


def with_language(cmd, flag, lang, old_clip, new_clip):
    """cmd with its language flag set to lang and its audio swapped."""
    out = [new_clip if c == old_clip else c for c in cmd]
    i = out.index(flag)
    out[i + 1] = lang
    return out


def language_cost(a, label, path, length, ours, theirs, clip):
    """Times auto against fixed language for both programs on one clip.
    Besides wall time it records CPU time: with --lang-threads 1 that is the
    work done, which contention from other processes barely changes."""
    t = str(a.lang_threads or a.threads)
    def threads(cmd, flag):
        out = list(cmd)
        out[out.index(flag) + 1] = t
        return out
    progs = {
        "instanttranscriber en": threads(with_language(ours, "--language", "en", clip, path), "--threads"),
        "instanttranscriber auto": threads(with_language(ours, "--language", "auto", clip, path), "--threads"),
        "whisper-cli en": threads(with_language(theirs, "-l", "en", clip, path), "-t"),
        "whisper-cli auto": threads(with_language(theirs, "-l", "auto", clip, path), "-t"),
    }
    walls = {k: [] for k in progs}
    cpus = {k: [] for k in progs}
    texts = {}
    for cmd in progs.values():  # warm-up
        measure(cmd)
    for _ in range(a.lang_runs):
        for name, cmd in progs.items():
            wall, _, out, cpu = measure(cmd, cpu=True)
            walls[name].append(wall)
            cpus[name].append(cpu)
            texts[name] = " ".join(re.sub(r"\[[^\]]*-->[^\]]*\]", " ", out).split())
    med = {k: statistics.median(v) for k, v in walls.items()}
    cmed = {k: statistics.median(v) for k, v in cpus.items()}
    print(f"\nlanguage auto vs en, {label} clip ({length:.1f} s), {t} thread(s), {a.lang_runs} runs each:")
    print(f"{'program':<26} {'median wall s':>14} {'min':>7} {'max':>7} {'median CPU s':>13} {'min':>7} {'max':>7}")
    for k in progs:
        print(f"{k:<26} {med[k]:>14.3f} {min(walls[k]):>7.3f} {max(walls[k]):>7.3f} "
              f"{cmed[k]:>13.3f} {min(cpus[k]):>7.3f} {max(cpus[k]):>7.3f}")
    ours_ratio = med["instanttranscriber auto"] / med["instanttranscriber en"]
    ours_cpu = cmed["instanttranscriber auto"] / cmed["instanttranscriber en"]
    cli_ratio = med["whisper-cli auto"] / med["whisper-cli en"]
    cli_cpu = cmed["whisper-cli auto"] / cmed["whisper-cli en"]
    same = texts["instanttranscriber auto"] == texts["instanttranscriber en"]
    print(f"instanttranscriber auto / en: wall {ours_ratio:.3f}, CPU {ours_cpu:.3f}  (goal <= 1.05); same text: {same}")
    print(f"whisper-cli auto / en:        wall {cli_ratio:.3f}, CPU {cli_cpu:.3f}")
    return {"clip": label, "clip_s": length, "threads": int(t), "walls": walls, "cpu": cpus,
            "auto_over_fixed": ours_ratio, "auto_over_fixed_cpu": ours_cpu,
            "cli_auto_over_fixed": cli_ratio, "cli_auto_over_fixed_cpu": cli_cpu, "same_text": same}


if __name__ == "__main__":
    main()
