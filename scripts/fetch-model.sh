#!/usr/bin/env bash
# fetch-model.sh NAME DIR [CACHE_DIR]
#
# Places ggml-NAME.bin in DIR and verifies its SHA-1 against scripts/models.tsv.
# Sources, in order:
#   1. CACHE_DIR (default ../shared/models), so CI works offline;
#   2. whisper.cpp's Hugging Face repository (short connect timeout);
#   3. for tiny-q8_0 only: Debian sid's obs-advanced-scene-switcher-data
#      package, fetched with apt-get download through a private source list
#      and state directory (the system's apt configuration is never touched).
# A file whose hash does not match is deleted.
set -euo pipefail

name=${1:?usage: fetch-model.sh NAME DIR [CACHE_DIR]}
dir=${2:?usage: fetch-model.sh NAME DIR [CACHE_DIR]}
cache=${3:-../shared/models}
here=$(cd "$(dirname "$0")" && pwd)

row=$(awk -F'\t' -v n="$name" '!/^#/ && $1 == n' "$here/models.tsv")
if [ -z "$row" ]; then
	echo "fetch-model: unknown model '$name'; known: $(awk -F'\t' '!/^#/{printf "%s ", $1}' "$here/models.tsv")" >&2
	exit 2
fi
sha1=$(cut -f2 <<<"$row")
size=$(cut -f3 <<<"$row")
source=$(cut -f4 <<<"$row")
file="ggml-$name.bin"
dest="$dir/$file"
mkdir -p "$dir"

# verify FILE: true when FILE has the pinned hash (and size, when pinned).
verify() {
	[ -f "$1" ] || return 1
	if [ "$size" != 0 ] && [ "$(stat -c %s "$1")" != "$size" ]; then
		echo "fetch-model: $1 has $(stat -c %s "$1") bytes, want $size" >&2
		return 1
	fi
	local got
	got=$(sha1sum "$1" | cut -d' ' -f1)
	if [ "$got" != "$sha1" ]; then
		echo "fetch-model: $1 has SHA-1 $got, want $sha1" >&2
		return 1
	fi
}

# install SRC: copy SRC to dest through a temporary file, verify, rename.
install_from() {
	local tmp="$dest.tmp.$$"
	cp "$1" "$tmp"
	if verify "$tmp"; then
		mv -f "$tmp" "$dest"
		echo "fetch-model: $dest ok (from $2)"
		return 0
	fi
	rm -f "$tmp"
	return 1
}

if [ -f "$dest" ]; then
	if verify "$dest"; then
		echo "fetch-model: $dest ok"
		exit 0
	fi
	echo "fetch-model: deleting $dest: hash mismatch" >&2
	rm -f "$dest"
fi

# 1. Local cache.
if [ -f "$cache/$file" ] && install_from "$cache/$file" "cache $cache"; then
	exit 0
fi

# 2. Hugging Face.
case "$source" in
hf) url="https://huggingface.co/ggerganov/whisper.cpp/resolve/main/$file" ;;
tdrz) url="https://huggingface.co/akashmjn/tinydiarize-whisper.cpp/resolve/main/$file" ;;
vad) url="https://huggingface.co/ggml-org/whisper-vad/resolve/main/$file" ;;
esac
tmp="$dest.download.$$"
trap 'rm -f "$tmp"' EXIT
echo "fetch-model: downloading $url"
if curl -fL --connect-timeout 5 --retry 2 -o "$tmp" "$url" 2>/dev/null && install_from "$tmp" "$url"; then
	exit 0
fi
rm -f "$tmp"

# 3. Debian sid (tiny-q8_0 only).
if [ "$name" = tiny-q8_0 ]; then
	echo "fetch-model: trying Debian sid package obs-advanced-scene-switcher-data"
	apt_dir=$(mktemp -d)
	trap 'rm -rf "$apt_dir" "$tmp"' EXIT
	if "$here/sid-download.sh" "$apt_dir/dl" obs-advanced-scene-switcher-data; then
		deb=$(ls "$apt_dir"/dl/*.deb)
		dpkg-deb -x "$deb" "$apt_dir/x"
		if install_from "$apt_dir/x/usr/share/obs/obs-plugins/advanced-scene-switcher/res/speech/$file" "Debian sid"; then
			exit 0
		fi
	fi
fi

echo "fetch-model: could not obtain $file from $cache, Hugging Face$([ "$name" = tiny-q8_0 ] && echo ' or Debian sid')" >&2
exit 1
