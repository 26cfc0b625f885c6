#!/usr/bin/env bash
# patch-whisper.sh SRC
#
# Applies our patches to the whisper.cpp 1.9.1 tree in SRC, each checked by
# the SHA-256 of the file it changes before and after, so a tree is patched
# exactly once and a tree that is neither pristine nor patched is refused.
# The patches (scripts/patches/):
#
#   whisper-reuse-lang-encode.patch: with language "auto", whisper_full
#     encodes the first 30 s window to detect the language and then encodes
#     the same window again; the patch reuses the detection's encoder output
#     (same mel, same offset, same audio context), so auto costs one encoder
#     pass less. Text and timings are unchanged.
set -euo pipefail

src=${1:?usage: patch-whisper.sh SRC}
here=$(cd "$(dirname "$0")" && pwd)

# name  file  sha256-before  sha256-after
patches=(
	"whisper-reuse-lang-encode.patch src/whisper.cpp a884ff3eb3bbf7558958c4d06a299cd8d97d87a7d5c7aac9138b8ff6a2ef04d7 87468a7c4a83e3b396202d657cd30b00ea7cc0a8dba04eaf778310896f63b2ee"
)

for row in "${patches[@]}"; do
	read -r name file before after <<<"$row"
	got=$(sha256sum "$src/$file" | cut -d' ' -f1)
	case "$got" in
	"$after") continue ;;
	"$before")
		patch -s -p1 -d "$src" <"$here/patches/$name"
		got=$(sha256sum "$src/$file" | cut -d' ' -f1)
		if [ "$got" != "$after" ]; then
			echo "patch-whisper: $name left $file with SHA-256 $got, want $after" >&2
			exit 1
		fi
		echo "patch-whisper: applied $name"
		;;
	*)
		echo "patch-whisper: $src/$file has SHA-256 $got: neither whisper.cpp 1.9.1's nor patched; refusing to patch" >&2
		exit 1
		;;
	esac
done
