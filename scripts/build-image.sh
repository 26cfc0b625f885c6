#!/usr/bin/env bash
# build-image.sh VERSION IMAGE
#
# Builds the container image IMAGE:TAG (TAG is VERSION with "+" as "-", which
# image tags cannot hold) and IMAGE:latest from the Dockerfile with podman,
# in the docker format so that HEALTHCHECK is kept. Needs `make dist model`
# first. The base is BASE when set (e.g. docker.io/library/debian:bookworm-slim),
# else the debootstrap image of scripts/container-base.sh.
# DOCKERFILE=Dockerfile.source compiles inside the build instead (minutes; no
# make dist needed); CA_BUNDLE=FILE lends that build a CA bundle, for a
# network behind a TLS-intercepting proxy.
set -euo pipefail

version=${1:?usage: build-image.sh VERSION IMAGE}
image=${2:?usage}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
# shellcheck source=scripts/podman-env.sh
. "$here/podman-env.sh"

dockerfile=${DOCKERFILE:-Dockerfile}
need=(models/ggml-tiny-q8_0.bin)
[ "$dockerfile" = Dockerfile ] && need+=("dist/instanttranscriber-$version-linux-amd64.tar.gz")
for f in "${need[@]}"; do
	[ -f "$f" ] || { echo "build-image: $f is missing: run make dist model" >&2; exit 1; }
done
base=${BASE:-$("$here/container-base.sh")}
podman_setup "$base"
tag=${version//+/-}
t0=$SECONDS
extra=()
[ -n "${CA_BUNDLE:-}" ] && extra+=(--volume "$CA_BUNDLE:/etc/ssl/certs/ca-certificates.crt:ro")
podman build --format docker -f "$dockerfile" "${extra[@]}" \
	--build-arg BASE="$base" --build-arg VERSION="$version" \
	--label org.opencontainers.image.version="$version" \
	-t "$image:$tag" -t "$image:latest" .
echo "build-image: $image:$tag in $((SECONDS - t0))s"
