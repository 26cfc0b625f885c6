#!/usr/bin/env bash
# test-dist.sh TARBALL MODEL AUDIO
#
# Proves that the release tarball runs on a fresh Debian with no Go and no
# compiler: unpacks it in a copy of a minimal Debian bookworm root filesystem
# (debootstrap --variant=minbase; cached), checks its SHA256SUMS there with
# the rootfs's own sha256sum, and runs `version` and `transcribe AUDIO` in a
# chroot as an unprivileged user. Needs root (debootstrap, chroot) and, the
# first time, Debian's mirror (MIRROR, default http://deb.debian.org/debian).
#
# The pristine rootfs is cached (scripts/rootfs.sh); each run tests in a
# throw-away copy of it.
set -euo pipefail

tarball=${1:?usage: test-dist.sh TARBALL MODEL AUDIO}
model=${2:?usage}
audio=${3:?usage}
cache=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/instanttranscriber}

[ "$(id -u)" = 0 ] || { echo "test-dist: needs root (debootstrap, chroot)" >&2; exit 1; }
for f in "$tarball" "$model" "$audio"; do
	[ -f "$f" ] || { echo "test-dist: $f is missing" >&2; exit 1; }
done
# The tarball's own checksum, as a user would check it after download.
(cd "$(dirname "$tarball")" && grep " $(basename "$tarball")\$" SHA256SUMS | sha256sum -c -)

base=$("$(dirname "$0")/rootfs.sh")
work=$(mktemp -d "$cache/test-dist.XXXXXX")
r="$work/rootfs"
cleanup() {
	mountpoint -q "$r/proc" && umount "$r/proc"
	rm -rf "$work"
}
trap cleanup EXIT
cp -a "$base" "$r"
mount -t proc proc "$r/proc"

# The point of the test: nothing but the tarball's files and glibc.
for tool in go gcc cc g++; do
	if chroot "$r" sh -c "command -v $tool" >/dev/null; then
		echo "test-dist: the test rootfs has $tool; it must not" >&2
		exit 1
	fi
done
if [ -e "$r/usr/lib/x86_64-linux-gnu/libgomp.so.1" ]; then
	echo "test-dist: the test rootfs has libgomp; it must not" >&2
	exit 1
fi

name=$(basename "$tarball" .tar.gz)
version=${name#instanttranscriber-}
version=${version%-linux-amd64}
tar -C "$r/opt" -xzf "$tarball"
mkdir -p "$r/opt/$name/models" "$r/tmp/audio"
cp "$model" "$r/opt/$name/models/"
cp "$audio" "$r/tmp/audio/"

run() { chroot --userspec=65534:65534 "$r" env -i HOME=/tmp PATH=/usr/bin:/bin "$@"; }

echo "test-dist: checking SHA256SUMS inside the rootfs"
chroot "$r" sh -c "cd /opt/$name && sha256sum --quiet -c SHA256SUMS"

got=$(run "/opt/$name/instanttranscriber" version)
echo "test-dist: version: $got"
case "$got" in
*"$version"*) ;;
*) echo "test-dist: version says '$got', want $version" >&2; exit 1 ;;
esac

echo "test-dist: transcribe $(basename "$audio")"
t0=$SECONDS
text=$(run "/opt/$name/instanttranscriber" transcribe \
	--model "/opt/$name/models/$(basename "$model")" "/tmp/audio/$(basename "$audio")" 2>"$work/stderr") ||
	{ cat "$work/stderr" >&2; exit 1; }
echo "$text"
# jfk.wav: "... ask not what your country can do for you ..."
if ! grep -qi "ask not what your country can do for you" <<<"$text"; then
	echo "test-dist: the transcript lacks the expected words" >&2
	exit 1
fi
echo "test-dist: OK: $name runs in a minimal bookworm (transcribe took $((SECONDS - t0))s)"
