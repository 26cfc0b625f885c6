#!/usr/bin/env bash
# fetch-apidocs.sh DIR
#
# Vendors Swagger UI (the npm package swagger-ui-dist, pinned by version and
# tarball SHA-256) into DIR, for the API reference the binary embeds at
# /docs. Only the browser bundle, its stylesheet and the licence files are
# kept. Nothing is fetched when DIR already holds this version.
set -euo pipefail

dir=${1:?usage: fetch-apidocs.sh DIR}
pkg=swagger-ui-dist@5.36.0
sha256=685a2b38b5d6eab2dbc096a8596db11cc7409cdb671d2e3bec8f9b017d0d566b
files=(swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE)

if [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$pkg" ]; then
	exit 0
fi
command -v npm >/dev/null || { echo "fetch-apidocs: npm is needed (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tarball=$(ls "$tmp"/swagger-ui-dist-*.tgz)
got=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$got" != "$sha256" ]; then
	echo "fetch-apidocs: $pkg tarball has SHA-256 $got, want $sha256" >&2
	exit 1
fi
tar -xzf "$tarball" -C "$tmp"
mkdir -p "$dir"
for f in "${files[@]}"; do
	cp "$tmp/package/$f" "$dir/$f"
done
echo "$pkg" >"$dir/VERSION"
echo "fetch-apidocs: $pkg in $dir"
