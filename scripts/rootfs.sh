#!/usr/bin/env bash
# rootfs.sh: prints the path of a pristine minimal Debian bookworm root
# filesystem (debootstrap --variant=minbase), building it the first time.
# It is cached in CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/instanttranscriber)
# and must be treated as read-only: copy it before changing anything.
# Needs root and, the first time, Debian's mirror (MIRROR).
set -euo pipefail

mirror=${MIRROR:-http://deb.debian.org/debian}
cache=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/instanttranscriber}
base="$cache/rootfs-bookworm-minbase"

[ "$(id -u)" = 0 ] || { echo "rootfs: needs root (debootstrap)" >&2; exit 1; }
if [ ! -f "$base/.complete" ]; then
	command -v debootstrap >/dev/null || {
		echo "rootfs: installing debootstrap with apt" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	}
	rm -rf "$base.tmp"
	mkdir -p "$cache"
	echo "rootfs: debootstrap --variant=minbase bookworm $base (once, a few minutes)" >&2
	t0=$SECONDS
	debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -20 "$cache/debootstrap.log" >&2; exit 1; }
	touch "$base.tmp/.complete"
	rm -rf "$base"
	mv "$base.tmp" "$base"
	echo "rootfs: debootstrap took $((SECONDS - t0))s" >&2
fi
echo "$base"
