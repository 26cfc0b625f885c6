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
	apt_dir=$(mktemp -d)
	trap 'rm -rf "$apt_dir"' EXIT
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" >"$apt_dir/etc/sources.list"
	: >"$apt_dir/status"
	apt_opts=(
		-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::Etc::Preferences=/dev/null"
		-o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
		-o "Dir::State=$apt_dir"
		-o "Dir::State::Lists=$apt_dir/lists"
		-o "Dir::State::status=$apt_dir/status"
		-o "Dir::Cache=$apt_dir/cache"
		-o "APT::Architecture=amd64"
		-o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=root"
	)
	apt-get "${apt_opts[@]}" update -qq >/dev/null
	apt-get "${apt_opts[@]}" download -qq "${missing[@]}" >/dev/null
fi
for p in "${missing[@]}"; do
	deb=$(ls -t "$cache"/debs/"${p}"_*.deb | head -1)
	rm -rf "$cache/voices/$p"
	dpkg-deb -x "$deb" "$cache/voices/$p"
	touch "$cache/voices/$p/.done"
	rm -f "$deb"
done
echo "fetch-voices: ${missing[*]} unpacked under $cache/voices" >&2
