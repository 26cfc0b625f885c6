#!/usr/bin/env bash
# container-base.sh [IMAGE]
#
# Makes the container base image IMAGE (default
# localhost/instanttranscriber-base:bookworm) without an image registry: the
# cached minimal Debian bookworm rootfs (scripts/rootfs.sh) plus
# ca-certificates and curl (for the healthcheck), imported with
# `podman import`. It is what `docker.io/library/debian:bookworm-slim` with
# those two packages would give. Skips the work when IMAGE exists; REBUILD=1
# makes it again. Needs root and Debian's mirror.
set -euo pipefail

image=${1:-localhost/instanttranscriber-base:bookworm}
if [ -z "${REBUILD:-}" ] && podman image exists "$image"; then
	echo "$image"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
base=$("$here/rootfs.sh")
work=$(mktemp -d)
r="$work/rootfs"
trap 'rm -rf "$work"' EXIT
cp -a "$base" "$r"
rm -f "$r/.complete"
cp /etc/resolv.conf "$r/etc/resolv.conf"
t0=$SECONDS
chroot "$r" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates curl >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*' >&2
: >"$r/etc/resolv.conf"
tar -C "$r" --numeric-owner -cf - . | podman import \
	--change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--message "debootstrap --variant=minbase bookworm + ca-certificates curl" - "$image" >&2
echo "container-base: $image in $((SECONDS - t0))s" >&2
echo "$image"
