#!/usr/bin/env bash
# fetch-whisper.sh DEST
#
# Puts the whisper.cpp 1.9.1 source tree in DEST (unless it is already there).
# Sources, in order:
#   1. a shallow clone of tag v1.9.1 from GitHub, when that host answers
#      within a few seconds;
#   2. the npm package nodejs-whisper@0.3.1, whose cpp/whisper.cpp is the same
#      1.9.1 tree; the tarball is checked against a pinned SHA-256.
# (WHISPER_CPP_DIR, when set, is used by the Makefile instead of this script.)
set -euo pipefail

dest=${1:?usage: fetch-whisper.sh DEST}
version=1.9.1
npm_pkg=nodejs-whisper@0.3.1
npm_sha256=92041caf2b26c74b7f489fedf37bd093f216eebd61df512045ec2d19d0531d37

# check_tree DIR: true when DIR holds whisper.cpp $version.
check_tree() {
	grep -q "project(\"whisper.cpp\" VERSION $version)" "$1/CMakeLists.txt" 2>/dev/null
}

if check_tree "$dest"; then
	exit 0
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if curl -fsI --connect-timeout 3 --max-time 5 https://github.com >/dev/null 2>&1 &&
	git clone -q --depth 1 --branch "v$version" https://github.com/ggml-org/whisper.cpp "$tmp/src" 2>/dev/null; then
	echo "fetch-whisper: cloned v$version from GitHub"
else
	echo "fetch-whisper: GitHub unreachable; using npm package $npm_pkg"
	if command -v npm >/dev/null; then
		(cd "$tmp" && npm pack --silent "$npm_pkg" >/dev/null)
	else
		# The same tarball from the registry with curl (no npm in a build image).
		curl -fsSL --retry 3 -o "$tmp/nodejs-whisper-0.3.1.tgz" \
			https://registry.npmjs.org/nodejs-whisper/-/nodejs-whisper-0.3.1.tgz
	fi
	tarball=$(ls "$tmp"/nodejs-whisper-*.tgz)
	got=$(sha256sum "$tarball" | cut -d' ' -f1)
	if [ "$got" != "$npm_sha256" ]; then
		echo "fetch-whisper: $npm_pkg tarball has SHA-256 $got, want $npm_sha256" >&2
		exit 1
	fi
	tar -xzf "$tarball" -C "$tmp" package/cpp/whisper.cpp
	mv "$tmp/package/cpp/whisper.cpp" "$tmp/src"
fi
check_tree "$tmp/src" || { echo "fetch-whisper: the source is not whisper.cpp $version" >&2; exit 1; }
mv "$tmp/src" "$dest"
echo "fetch-whisper: whisper.cpp $version in $dest"
