#!/usr/bin/env bash
# dist.sh BIN VERSION WHISPER_SRC OUTDIR
#
# Packs the release tarball OUTDIR/instanttranscriber-VERSION-linux-amd64.tar.gz
# from BIN (built by `make dist` with libstdc++, libgomp and libgcc linked
# statically) and writes OUTDIR/SHA256SUMS beside it. The tarball holds:
#   instanttranscriber                  the binary
#   instanttranscriber.service          the systemd unit (deploy/)
#   config.example.yaml
#   scripts/fetch-model.sh, models.tsv  fetch a model, verified by SHA-1
#   README.md, INSTALL, CHANGELOG.md, docs/*.md
#   LICENSE, licenses/...               ours, whisper.cpp's, Go's and every
#                                       Go module's compiled into BIN
#   SHA256SUMS                          of the files above
# The tarball is reproducible: sorted names, fixed owner and the commit's
# time as every mtime.
set -euo pipefail

bin=${1:?usage: dist.sh BIN VERSION WHISPER_SRC OUTDIR}
version=${2:?usage}
whisper_src=${3:?usage}
out=${4:?usage}
root=$(cd "$(dirname "$0")/.." && pwd)
name="instanttranscriber-$version-linux-amd64"

# The binary must not need anything a minimal Debian lacks: only glibc's
# libraries may stay dynamic.
if ldd "$bin" | grep -E 'libstdc\+\+|libgomp|libgcc_s' >&2; then
	echo "dist: $bin links the libraries above dynamically; build it with make dist" >&2
	exit 1
fi
got=$("$bin" version)
got=${got%%$'\n'*}
case "$got" in
*"$version"*) ;;
*) echo "dist: $bin version says '$got', want $version" >&2; exit 1 ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
d="$stage/$name"
mkdir -p "$d/scripts" "$d/licenses" "$d/docs"

install -m 0755 "$bin" "$d/instanttranscriber"
install -m 0644 "$root/deploy/instanttranscriber.service" "$root/config.example.yaml" \
	"$root/README.md" "$root/LICENSE" "$d/"
[ -f "$root/CHANGELOG.md" ] && install -m 0644 "$root/CHANGELOG.md" "$d/"
install -m 0755 "$root/scripts/fetch-model.sh" "$d/scripts/"
install -m 0644 "$root/scripts/models.tsv" "$d/scripts/"
install -m 0644 "$root"/docs/*.md "$d/docs/"
cat >"$d/INSTALL" <<EOF
InstantTranscriber $version for linux-amd64 (CPU)

The binary needs only glibc 2.36 or newer: no Go, no compiler, no libgomp.

  sha256sum --quiet -c SHA256SUMS                  # the files of this tarball
  ./instanttranscriber version
  scripts/fetch-model.sh tiny-q8_0 models          # a model, SHA-1 checked (curl)
  ./instanttranscriber transcribe --model models/ggml-tiny-q8_0.bin talk.wav
  ./instanttranscriber serve --model models/ggml-tiny-q8_0.bin

Installing it as a systemd service (instanttranscriber.service), the first
admin key and upgrades: docs/install.md and docs/operations.md. Every
setting: config.example.yaml and docs/configuration.md.
EOF

# Third-party licences: whisper.cpp (with ggml), the Go standard library and
# runtime, and each Go module `go version -m` lists as compiled in.
install -D -m 0644 "$whisper_src/LICENSE" "$d/licenses/whisper.cpp/LICENSE"
install -D -m 0644 "$(go env GOROOT)/LICENSE" "$d/licenses/go/LICENSE"
install -D -m 0644 "$root/engine/diarize/UBM-LICENSE" "$d/licenses/pocketsphinx-en-us/LICENSE"
modcache=$(go env GOMODCACHE)
missing=0
while read -r mod ver; do
	# The module cache escapes upper-case letters as !lower-case.
	esc=$(sed -E 's/([A-Z])/!\L\1/g' <<<"$mod@$ver")
	dir="$modcache/$esc"
	found=0
	for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/UNLICENSE* "$dir"/COPYING* "$dir"/NOTICE* "$dir"/PATENTS; do
		[ -f "$f" ] || continue
		install -D -m 0644 "$f" "$d/licenses/$mod/$(basename "$f")"
		found=1
	done
	if [ "$found" = 0 ]; then
		echo "dist: no licence file for $mod@$ver in $dir" >&2
		missing=1
	fi
done < <(go version -m "$bin" | awk '$1 == "dep" { print $2, $3 } $1 == "=>" { print $2, $3 }')
[ "$missing" = 0 ] || exit 1
cat >"$d/licenses/README" <<EOF
Third-party software compiled into instanttranscriber $version, one folder
per project with its licence text:
  whisper.cpp (and ggml)   licenses/whisper.cpp
  the Go standard library  licenses/go
  the diarizer's background model (from CMU Sphinx's pocketsphinx-en-us)
                           licenses/pocketsphinx-en-us
  Go modules               licenses/<module path>
libstdc++, libgomp and libgcc are linked statically under the GCC Runtime
Library Exception; glibc stays a shared library of the host.
EOF

(cd "$d" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum) >"$stage/SHA256SUMS"
mv "$stage/SHA256SUMS" "$d/SHA256SUMS"

mtime=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
mkdir -p "$out"
tarball="$out/$name.tar.gz"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
	--mode='u+rwX,go+rX,go-w' -cf - "$name" | gzip -9n >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" >SHA256SUMS)
echo "dist: $tarball ($(du -h "$tarball" | cut -f1))"
cat "$out/SHA256SUMS"
