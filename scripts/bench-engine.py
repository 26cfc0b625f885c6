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


def measure(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, stdout)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {cmd[0]} failed with status {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_maxrss / 1024.0, out.decode("utf-8", "replace")


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


def with_language(cmd, flag, lang, old_clip, new_clip):
    """cmd with its language flag set to lang and its audio swapped."""
    out = [new_clip if c == old_clip else c for c in cmd]
    i = out.index(flag)
    out[i + 1] = lang
    return out


def language_cost(a, label, path, length, ours, theirs, clip):
    """Times auto against fixed language for both programs on one clip."""
    progs = {
        "instanttranscriber en": with_language(ours, "--language", "en", clip, path),
        "instanttranscriber auto": with_language(ours, "--language", "auto", clip, path),
        "whisper-cli en": with_language(theirs, "-l", "en", clip, path),
        "whisper-cli auto": with_language(theirs, "-l", "auto", clip, path),
    }
    walls = {k: [] for k in progs}
    texts = {}
    for cmd in progs.values():  # warm-up
        measure(cmd)
    for _ in range(a.lang_runs):
        for name, cmd in progs.items():
            wall, _, out = measure(cmd)
            walls[name].append(wall)
            texts[name] = " ".join(re.sub(r"\[[^\]]*-->[^\]]*\]", " ", out).split())
    med = {k: statistics.median(v) for k, v in walls.items()}
    print(f"\nlanguage auto vs en, {label} clip ({length:.1f} s), {a.lang_runs} runs each:")
    print(f"{'program':<26} {'median wall s':>14} {'min':>7} {'max':>7}")
    for k, v in walls.items():
        print(f"{k:<26} {med[k]:>14.3f} {min(v):>7.3f} {max(v):>7.3f}")
    ours_ratio = med["instanttranscriber auto"] / med["instanttranscriber en"]
    cli_ratio = med["whisper-cli auto"] / med["whisper-cli en"]
    same = texts["instanttranscriber auto"] == texts["instanttranscriber en"]
    print(f"instanttranscriber auto / en: {ours_ratio:.3f}  (goal <= 1.05); same text: {same}")
    print(f"whisper-cli auto / en:        {cli_ratio:.3f}")
    return {"clip": label, "clip_s": length, "walls": walls, "auto_over_fixed": ours_ratio,
            "cli_auto_over_fixed": cli_ratio, "same_text": same}


if __name__ == "__main__":
    main()
