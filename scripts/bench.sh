#!/usr/bin/env bash
# bench.sh: the whole benchmark suite behind `make bench`. Runs bench-engine,
# bench-api (against a server it starts itself), bench-webhook and
# bench-diarization, each BENCH_RUNS times, and writes BENCHMARKS.md with
# the machine, the commands, median/min/max of every figure and the goals.
#
# Usage: scripts/bench.sh BIN WHISPER_CLI MODEL_FILE
#
# Environment:
#   BENCH_RUNS=3      runs of each benchmark (engine: runs of each program)
#   BENCH_QUICK=1     one run each with smaller sizes (a smoke test, ~2 min)
#   BENCH_OUT=BENCHMARKS.md
#   BENCH_KEEP=1      keep the work dir (the raw JSON of every run, server logs)
#   BENCH_ARGS, BENCH_API_ARGS, BENCH_WEBHOOK_ARGS, BENCH_DIARIZATION_ARGS
#                     extra flags for each benchmark, as for the single targets;
#                     they come last, so they override the defaults here (the
#                     engine runs greedy, --beam 1 --best-of 1, to keep the
#                     suite under ~10 minutes: BENCH_ARGS="--beam 5 --best-of 5"
#                     for whisper-cli's default beam search)
set -euo pipefail

BIN=${1:?usage: bench.sh BIN WHISPER_CLI MODEL_FILE}
CLI=${2:?usage: bench.sh BIN WHISPER_CLI MODEL_FILE}
MODEL=${3:?usage: bench.sh BIN WHISPER_CLI MODEL_FILE}
OUT=${BENCH_OUT:-BENCHMARKS.md}
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
	RUNS=${BENCH_RUNS:-1}
	ENGINE_SIZE=(--beam 1 --best-of 1 --repeat 2)
	API_SIZE=(-creates 100 -clients 20 -gets 3s -get-clients 20)
	WEBHOOK_SIZE=(-n 1000 -latency-n 200)
	DIAR_SIZE=(-n 2)
else
	RUNS=${BENCH_RUNS:-3}
	ENGINE_SIZE=(--beam 1 --best-of 1)
	API_SIZE=()
	WEBHOOK_SIZE=()
	# 8 conversations per condition and run, a new seed each run: the spread
	# over runs is the spread over draws of conversations.
	DIAR_SIZE=(-n 8)
fi
read -r -a ENGINE_EXTRA <<<"${BENCH_ARGS:-}"
read -r -a API_EXTRA <<<"${BENCH_API_ARGS:-}"
read -r -a WEBHOOK_EXTRA <<<"${BENCH_WEBHOOK_ARGS:-}"
read -r -a DIAR_EXTRA <<<"${BENCH_DIARIZATION_ARGS:-}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/itbench.XXXXXX")
SERVER_PID=
cleanup() {
	if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
	if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "bench: raw figures kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "== make bench: $RUNS run(s) each$([[ $QUICK == 1 ]] && echo ', quick sizes'); work dir $WORK"
cat /proc/loadavg >"$WORK/load_start"
date -u +%Y-%m-%dT%H:%M:%SZ >"$WORK/date_start"
START_S=$SECONDS
echo "# RUN = 1..$RUNS; the Go programs are built once (go build) and run from the build" >"$WORK/commands"

# record appends a command line, as the report shows it, to the list.
record() { echo "$*" | sed 's/  */ /g; s/ $//' >>"$WORK/commands"; }

# The Go load generators, built once so no run times a compile.
mkdir -p "$WORK/bin"
for p in benchapi benchwebhook benchdiarize; do
	go build -o "$WORK/bin/$p" "./scripts/$p"
done

# --- engine ---------------------------------------------------------------
echo "== bench-engine"
record scripts/bench-engine.py "$BIN" "$CLI" "$MODEL" --runs "$RUNS" "${ENGINE_SIZE[@]}" "${ENGINE_EXTRA[@]}" --json engine.json
echo "+ scripts/bench-engine.py $BIN $CLI $MODEL --runs $RUNS ${ENGINE_SIZE[*]} ${ENGINE_EXTRA[*]} --json $WORK/engine.json"
scripts/bench-engine.py "$BIN" "$CLI" "$MODEL" --runs "$RUNS" "${ENGINE_SIZE[@]}" "${ENGINE_EXTRA[@]}" \
	--json "$WORK/engine.json"

# --- API: a fresh server (empty temp data dir, free port) per run ----------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() { # sets SERVER_PID, URL, KEY
	local data=$WORK/data.$1 log=$WORK/server.$1.log port
	port=$(free_port)
	mkdir -p "$data"
	INSTANTTRANSCRIBER_DATA_DIR=$data \
		INSTANTTRANSCRIBER_SERVER_ADDR=127.0.0.1:$port \
		INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0 \
		INSTANTTRANSCRIBER_LIMITS_MAX_QUEUED_PER_KEY=0 \
		INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=$MODEL \
		"$BIN" serve >"$log" 2>&1 &
	SERVER_PID=$!
	URL=http://127.0.0.1:$port
	KEY=
	for _ in $(seq 300); do
		KEY=$(grep -o 'itk_[A-Za-z0-9]*' "$log" | head -1 || true)
		if [[ -n $KEY ]] && curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null; then return 0; fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
		sleep 0.1
	done
	echo "bench: the server did not come up; its log:" >&2
	cat "$log" >&2
	return 1
}

stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	for _ in $(seq 300); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

echo "== bench-api"
for i in $(seq "$RUNS"); do
	start_server "$i"
	if [[ $i == 1 ]]; then
		record "INSTANTTRANSCRIBER_DATA_DIR=\$(mktemp -d) INSTANTTRANSCRIBER_SERVER_ADDR=127.0.0.1:\$PORT" \
			"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0 INSTANTTRANSCRIBER_LIMITS_MAX_QUEUED_PER_KEY=0" \
			"INSTANTTRANSCRIBER_ENGINE_MODEL_PATH=$MODEL $BIN serve &" \
			" # a fresh server per run; the admin key is read from its stdout"
		record go run ./scripts/benchapi -url "http://127.0.0.1:\$PORT" -key "\$ADMIN_KEY" "${API_SIZE[@]}" "${API_EXTRA[@]}" -json "api.\$RUN.json"
		record "kill -TERM \$SERVER_PID"
	fi
	echo "+ benchapi -url $URL -key itk_... ${API_SIZE[*]} ${API_EXTRA[*]} -json $WORK/api.$i.json"
	rc=0
	"$WORK/bin/benchapi" -url "$URL" -key "$KEY" "${API_SIZE[@]}" "${API_EXTRA[@]}" -json "$WORK/api.$i.json" || rc=$?
	stop_server
	[[ $rc == 0 ]] || { echo "bench: benchapi failed ($rc)" >&2; exit 1; }
done

# --- webhook ----------------------------------------------------------------
echo "== bench-webhook"
record go run ./scripts/benchwebhook "${WEBHOOK_SIZE[@]}" "${WEBHOOK_EXTRA[@]}" -json "webhook.\$RUN.json"
for i in $(seq "$RUNS"); do
	echo "+ benchwebhook ${WEBHOOK_SIZE[*]} ${WEBHOOK_EXTRA[*]} -json $WORK/webhook.$i.json"
	"$WORK/bin/benchwebhook" "${WEBHOOK_SIZE[@]}" "${WEBHOOK_EXTRA[@]}" -json "$WORK/webhook.$i.json"
done

# --- diarization ------------------------------------------------------------
if command -v espeak-ng >/dev/null && command -v sox >/dev/null; then
	echo "== bench-diarization"
	record go run ./scripts/benchdiarize "${DIAR_SIZE[@]}" -seed "\$RUN" "${DIAR_EXTRA[@]}" -json "diarize.\$RUN.json"
	for i in $(seq "$RUNS"); do
		echo "+ benchdiarize ${DIAR_SIZE[*]} -seed $i ${DIAR_EXTRA[*]} -json $WORK/diarize.$i.json"
		"$WORK/bin/benchdiarize" "${DIAR_SIZE[@]}" -seed "$i" "${DIAR_EXTRA[@]}" -json "$WORK/diarize.$i.json"
	done
else
	echo "== bench-diarization skipped: espeak-ng or sox not in PATH"
	echo "espeak-ng or sox not in PATH" >"$WORK/diarize.skipped"
fi

cat /proc/loadavg >"$WORK/load_end"
echo $((SECONDS - START_S)) >"$WORK/elapsed_s"
"$BIN" version >"$WORK/version" 2>&1 || true
python3 scripts/bench-report.py "$WORK" "$RUNS" "$QUICK" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "== wrote $OUT"
