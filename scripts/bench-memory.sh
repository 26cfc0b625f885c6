#!/usr/bin/env bash
# bench-memory.sh: peak resident memory of `instanttranscriber transcribe` as
# the audio grows. For each length it writes a 16 kHz mono WAV of jfk.wav
# repeated (sox), runs the real binary on it, and samples /proc/PID/status
# every 0.2 s: VmHWM (the kernel's own peak of VmRSS), and the peaks seen of
# RssAnon (heap, whisper's buffers) and RssFile (the model file and the
# mapped samples). "mapped" is when the decoded samples were first seen
# mapped (decoding done), "-" when they never were.
#
# Transcribing 4 h takes a long time on a small machine, so by default each
# run is stopped (SIGINT, which cancels cleanly) after BENCH_MEMORY_SECONDS:
# long enough to decode the whole file and run whisper over the first
# windows. Every window has the same shape (the same length of samples, mel
# spectrogram and decoder state), so the peak of the first ones is the peak
# of the run; BENCH_MEMORY_SECONDS=0 runs to the end to check that.
#
# Usage: scripts/bench-memory.sh BIN MODEL_FILE [MINUTES...]   (default 60 240)
#
# Environment:
#   BENCH_MEMORY_SECONDS=120   stop each run after this long; 0 runs to the end
#   BENCH_MEMORY_ARGS          extra transcribe flags (default: --beam 1
#                              --best-of 1 --language en); --chunk-length
#                              here changes the window
#   BENCH_MEMORY_DIR           where the WAVs go (default a temporary dir,
#                              removed at the end); 4 h is 460 MB
set -euo pipefail

BIN=${1:?usage: bench-memory.sh BIN MODEL_FILE [MINUTES...]}
MODEL=${2:?usage: bench-memory.sh BIN MODEL_FILE [MINUTES...]}
shift 2
LENGTHS=("${@:-60 240}")
read -r -a LENGTHS <<<"${LENGTHS[*]}"
SECONDS_LIMIT=${BENCH_MEMORY_SECONDS:-120}
read -r -a ARGS <<<"${BENCH_MEMORY_ARGS:---beam 1 --best-of 1 --language en}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JFK=$ROOT/testdata/jfk.wav
command -v sox >/dev/null || { echo "bench-memory: needs sox" >&2; exit 1; }

DIR=${BENCH_MEMORY_DIR:-}
if [[ -z $DIR ]]; then
	DIR=$(mktemp -d)
	trap 'rm -rf "$DIR"' EXIT
fi

# field NAME FILE prints the kB value of a /proc/PID/status line.
field() { awk -v k="$1:" '$1 == k { print $2 }' "$2" 2>/dev/null || true; }

printf '%-8s %-9s %-7s %-10s %-12s %-12s %-10s %s\n' length ran mapped "VmHWM MiB" "RssAnon MiB" "RssFile MiB" "model MiB" result
model_mib=$(( $(stat -c %s "$MODEL") / 1048576 ))
for min in "${LENGTHS[@]}"; do
	wav=$DIR/speech-${min}m.wav
	if [[ ! -s $wav ]]; then
		# jfk.wav is 11 s: repeat it past the length, then trim.
		sox "$JFK" -r 16000 -c 1 -b 16 "$wav" repeat $(( min * 60 / 11 + 1 )) trim 0 $(( min * 60 ))
	fi
	"$BIN" transcribe "$wav" --model "$MODEL" "${ARGS[@]}" >"$DIR/out.txt" 2>"$DIR/err.txt" &
	pid=$!
	start=$(date +%s.%N)
	hwm=0 anon=0 file=0 stopped=0 mapped=-
	while kill -0 "$pid" 2>/dev/null; do
		st=/proc/$pid/status
		v=$(field VmHWM "$st"); [[ -n $v ]] && (( v > hwm )) && hwm=$v
		v=$(field RssAnon "$st"); [[ -n $v ]] && (( v > anon )) && anon=$v
		v=$(field RssFile "$st"); [[ -n $v ]] && (( v > file )) && file=$v
		if [[ $mapped == - ]] && grep -q 'decode-.*\.tmp' "/proc/$pid/maps" 2>/dev/null; then
			mapped=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.0fs", n - s }')
		fi
		if (( SECONDS_LIMIT > 0 )) && (( stopped == 0 )) &&
			awk -v s="$start" -v n="$(date +%s.%N)" -v l="$SECONDS_LIMIT" 'BEGIN { exit !(n - s >= l) }'; then
			kill -INT "$pid" 2>/dev/null || true
			stopped=1
		fi
		sleep 0.2
	done
	rc=0
	wait "$pid" || rc=$?
	ran=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.0fs", n - s }')
	result="finished"
	if (( stopped )); then
		result="stopped after ${SECONDS_LIMIT}s"
	elif (( rc != 0 )); then
		result="failed (exit $rc): $(tail -n 1 "$DIR/err.txt")"
	fi
	printf '%-8s %-9s %-7s %-10s %-12s %-12s %-10s %s\n' "${min}m" "$ran" "$mapped" $(( hwm / 1024 )) $(( anon / 1024 )) $(( file / 1024 )) "$model_mib" "$result"
done
