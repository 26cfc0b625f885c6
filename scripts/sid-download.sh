#!/usr/bin/env bash
# sid-download.sh DEST PACKAGE...
#
# Downloads the .deb files of PACKAGEs from Debian sid into DEST, through a
# private source list and apt state directory: the system's apt
# configuration is never read or touched, and nothing is installed. The
# archive is checked with Debian's keyring. Used where a file we need ships
# only in a sid package (the default model, newer Vulkan headers, real
# voices for the diarization bench).
set -euo pipefail

dest=${1:?usage: sid-download.sh DEST PACKAGE...}
shift
[ $# -gt 0 ] || { echo "usage: sid-download.sh DEST PACKAGE..." >&2; exit 2; }

apt_dir=$(mktemp -d)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/preferences.d" "$dest"
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
(cd "$dest" && apt-get "${apt_opts[@]}" download -qq "$@" >/dev/null)
