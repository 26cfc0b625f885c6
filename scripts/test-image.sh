#!/usr/bin/env bash
# test-image.sh IMAGE AUDIO
#
# Runs the container image end to end with podman, as compose.yaml does:
# non-root, read-only root filesystem, all capabilities dropped, a named data
# volume, the first admin key from a secret file
# (INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE), the API published on a
# loopback port only. Then:
#   1. /readyz answers and `podman healthcheck run` passes (the image's
#      HEALTHCHECK); the process runs as uid 10001; the log never shows the key;
#   2. upload AUDIO with a callback_url to a receiver on the host's loopback
#      (scripts/webhook-receiver.py) and a whsec_ secret;
#   3. the job completes with the expected words, and the receiver gets the
#      transcription.completed event for that job with a valid signature;
#   4. a new container on the same volume still serves the job with the same
#      key (the data outlives the container; the key file is not needed again);
#   5. with podman-compose installed (apt-get install podman-compose; SKIP
#      otherwise), compose.yaml as shipped starts the image with a fresh key
#      file as its secret: ready, healthy, and the key authenticates.
# Without systemd (a VM or a container), podman logs that it cannot start
# the healthcheck timer; the check is run here with `podman healthcheck run`.
# The container reaches the host's loopback through slirp4netns
# (allow_host_loopback, as 10.0.2.2); NETWORK=host uses the host's network
# instead. Needs root (podman) and python3.
set -euo pipefail

image=${1:?usage: test-image.sh IMAGE AUDIO}
audio=${2:?usage}
network=${NETWORK:-slirp4netns}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/podman-env.sh
. "$here/podman-env.sh"

[ "$(id -u)" = 0 ] || { echo "test-image: needs root (podman)" >&2; exit 1; }
podman image exists "$image" || { echo "test-image: no image $image: run make image" >&2; exit 1; }
podman_setup "$image"

work=$(mktemp -d)
name="instanttranscriber-test-$$"
volume="$name-data"
receiver=
cleanup() {
	podman rm -f -t 5 "$name" >/dev/null 2>&1 || true
	podman volume rm -f "$volume" >/dev/null 2>&1 || true
	[ -n "$receiver" ] && kill "$receiver" 2>/dev/null
	rm -rf "$work" "${PODMAN_CONF_DIR:-}"
}
trap cleanup EXIT
fail() {
	echo "test-image: FAIL: $*" >&2
	echo "--- container log" >&2
	podman logs "$name" 2>&1 | tail -30 >&2 || true
	exit 1
}
t0=$SECONDS

# The first admin key, as an operator would make it (docs/install.md), in a
# file only the container's user can read.
key="itk_$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40 || true)"
printf '%s\n' "$key" >"$work/admin_key"
chown 10001:10001 "$work/admin_key"
chmod 0400 "$work/admin_key"
secret="whsec_$(head -c 32 /dev/urandom | base64)"

mkdir "$work/hooks"
python3 "$here/webhook-receiver.py" "$work/hooks" "$secret" 2>"$work/receiver.log" &
receiver=$!
for _ in $(seq 50); do [ -f "$work/hooks/port" ] && break; sleep 0.1; done
rport=$(cat "$work/hooks/port")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_container() {
	local net=(--network "slirp4netns:allow_host_loopback=true" -p "127.0.0.1:$port:8080")
	[ "$network" = host ] && net=(--network host -e "INSTANTTRANSCRIBER_SERVER_ADDR=127.0.0.1:$port")
	podman run -d --name "$name" "${net[@]}" \
		--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
		-v "$volume:/data" \
		-v "$work/admin_key:/run/secrets/admin_key:ro" \
		-e INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE=/run/secrets/admin_key \
		-e INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true \
		"$image" >/dev/null 2>>"$work/podman-run.log" ||
		{ cat "$work/podman-run.log" >&2; fail "podman run"; }
}
hookhost=10.0.2.2
[ "$network" = host ] && hookhost=127.0.0.1
api="http://127.0.0.1:$port"

wait_ready() {
	for _ in $(seq 240); do
		curl -fsS -o /dev/null "$api/readyz" 2>/dev/null && return 0
		[ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] || fail "the container exited"
		sleep 0.5
	done
	fail "not ready after 120s"
}

run_container
wait_ready
echo "test-image: ready in $((SECONDS - t0))s on $api ($network)"
podman healthcheck run "$name" || fail "podman healthcheck run: the image's HEALTHCHECK fails"
uid=$(podman exec "$name" id -u)
[ "$uid" = 10001 ] || fail "the server runs as uid $uid, want 10001"
v=$(podman exec "$name" instanttranscriber version)
echo "test-image: ${v%%$'\n'*}"
log=$(podman logs "$name" 2>&1)
grep -q "first admin api key from the environment" <<<"$log" ||
	fail "the log does not say the first admin key came from the environment"
if grep -qF "$key" <<<"$log"; then fail "the admin key appears in the log"; fi

auth=(-H "Authorization: Bearer $key")
resp=$(curl -sS "${auth[@]}" -F "file=@$audio" -F language=en \
	-F "callback_url=http://$hookhost:$rport/hook" -F "callback_secret=$secret" \
	-w '\n%{http_code}' "$api/v1/transcriptions")
code=${resp##*$'\n'}
body=${resp%$'\n'*}
[ "$code" = 202 ] || fail "create: HTTP $code: $body"
id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$body")
echo "test-image: job $id accepted"

status=
for _ in $(seq 600); do
	job=$(curl -fsS "${auth[@]}" "$api/v1/transcriptions/$id")
	status=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' <<<"$job")
	case "$status" in completed | failed | canceled) break ;; esac
	sleep 0.5
done
[ "$status" = completed ] || fail "job $id is $status: $job"
python3 -c 'import json,sys; print(json.load(sys.stdin)["text"].strip())' <<<"$job" | tee "$work/text"
grep -qi "ask not what your country can do for you" "$work/text" || fail "the transcript lacks the expected words"
echo "test-image: job completed at $((SECONDS - t0))s"

hook="$work/hooks/1.json"
for _ in $(seq 120); do
	[ -f "$hook" ] && break
	sleep 0.5
done
[ -f "$hook" ] || { cat "$work/receiver.log" >&2; fail "no webhook within 60s"; }
python3 - "$hook" "$id" <<'EOF' || fail "bad webhook"
import json, sys
rec, want = json.load(open(sys.argv[1])), sys.argv[2]
body, h = rec["body"], rec["headers"]
errors = []
if body.get("id") != want: errors.append(f"id {body.get('id')}, want {want}")
if body.get("status") != "completed": errors.append(f"status {body.get('status')}")
if h.get("x-instanttranscriber-event") != "transcription.completed": errors.append(f"event {h.get('x-instanttranscriber-event')}")
if not rec["verified"]: errors.append("the signature does not verify")
if errors: sys.exit("webhook: " + "; ".join(errors))
print(f"test-image: webhook received: {h['x-instanttranscriber-event']} for {want}, signature verified")
EOF

# A new container on the same volume: the job and the key are still there.
podman rm -f -t 30 "$name" >/dev/null 2>&1
run_container
wait_ready
got=$(curl -fsS "${auth[@]}" "$api/v1/transcriptions/$id") || fail "after a new container: GET job failed"
grep -q '"status":"completed"' <<<"$(tr -d ' \n' <<<"$got")" || fail "after a new container: job is not completed: $got"
echo "test-image: OK: a new container on the volume serves job $id with the same key ($((SECONDS - t0))s in all)"

# compose.yaml as shipped, in a project folder of its own.
if ! command -v podman-compose >/dev/null; then
	echo "test-image: SKIP compose.yaml: podman-compose is not installed (apt-get install podman-compose)"
	exit 0
fi
podman rm -f -t 5 "$name" >/dev/null 2>&1
proj="$work/compose"
mkdir "$proj"
cp "$here/../compose.yaml" "$proj/"
printf 'itk_%s\n' "$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40 || true)" >"$proj/admin_key"
chown 10001:10001 "$proj/admin_key"
chmod 0400 "$proj/admin_key"
cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
compose() {
	(cd "$proj" && INSTANTTRANSCRIBER_IMAGE="$image" INSTANTTRANSCRIBER_PORT="$cport" \
		podman-compose -p "$name" "$@") >>"$work/compose.log" 2>&1
}
compose_down() {
	compose down -v || true
	podman network rm -f "${name}_default" >/dev/null 2>&1 || true
}
trap 'compose_down; cleanup' EXIT
compose up -d || { cat "$work/compose.log" >&2; fail "podman-compose up"; }
cname="${name}_instanttranscriber_1"
for _ in $(seq 240); do
	curl -fsS -o /dev/null "http://127.0.0.1:$cport/readyz" 2>/dev/null && break
	sleep 0.5
done
podman healthcheck run "$cname" >/dev/null || { podman logs "$cname" >&2; fail "compose: unhealthy"; }
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$proj/admin_key")" "http://127.0.0.1:$cport/v1/usage")
[ "$code" = 200 ] || { podman logs "$cname" >&2; fail "compose: GET /v1/usage with the secret's key: HTTP $code"; }
[ "$(podman exec "$cname" id -u)" = 10001 ] || fail "compose: not uid 10001"
echo "test-image: OK: compose.yaml: healthy, the secret's key works, uid 10001 ($((SECONDS - t0))s in all)"
