#!/usr/bin/env bash
# fetch-voices.sh CACHE_DIR
#
# Fetches the recordings of real people that the diarization bench builds
# its conversations from, and unpacks them under CACHE_DIR/voices/. They
# come from Debian packages (apt-get download, never installed):
#   ktuberling-data                  KDE's stamp toy: words read by one person
#                                    per language, 22-44 kHz (GPL-2+/CC-BY)
#   asterisk-core-sounds-{en,fr,it,ru}-wav, asterisk-prompt-it-menardi-wav,
#   asterisk-prompt-fr-armelle, asterisk-prompt-es-co
#                                    telephone prompts, 8 kHz
#                                    (CC-BY-SA-3.0, GPL-2)
# The system's apt sources are tried first, then Debian sid through a private
# source list and state directory (the system's apt configuration is never
# touched). A package already unpacked is not fetched again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

cache=${1:?usage: fetch-voices.sh CACHE_DIR}
pkgs=(ktuberling-data asterisk-core-sounds-en-wav asterisk-core-sounds-fr-wav
	asterisk-core-sounds-it-wav asterisk-core-sounds-ru-wav
	asterisk-prompt-it-menardi-wav asterisk-prompt-fr-armelle asterisk-prompt-es-co)
mkdir -p "$cache/voices" "$cache/debs"

missing=()
for p in "${pkgs[@]}"; do
	[ -f "$cache/voices/$p/.done" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cd "$cache/debs"
if ! apt-get download -qq "${missing[@]}" >/dev/null 2>&1; then
	echo "fetch-voices: the system's apt sources failed; trying Debian sid" >&2
	"$here/../sid-download.sh" "$cache/debs" "${missing[@]}"
fi
for p in "${missing[@]}"; do
	deb=$(ls -t "$cache"/debs/"${p}"_*.deb | head -1)
	rm -rf "$cache/voices/$p"
	dpkg-deb -x "$deb" "$cache/voices/$p"
	touch "$cache/voices/$p/.done"
	rm -f "$deb"
done
echo "fetch-voices: ${missing[*]} unpacked under $cache/voices" >&2
