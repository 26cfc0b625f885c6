#!/usr/bin/env bash
# fetch-vulkan-headers.sh CACHE_DIR
#
# Prints a directory holding Vulkan headers new enough for whisper.cpp
# 1.9.1's Vulkan backend, which needs vk::LayerSettingEXT (Vulkan-Headers
# 1.3.261 or later). Debian bookworm ships 1.3.239, so the headers come from
# Debian sid's libvulkan-dev, fetched once with apt-get download through a
# private source list and state directory (the system's apt configuration is
# never touched, as in fetch-model.sh) and unpacked into CACHE_DIR. Only the
# headers are used: the program still links bookworm's libvulkan1 loader.
#
# Also installs what configuring the backend needs (libvulkan-dev, glslc,
# glslang-tools, spirv-headers) and Mesa's software device (lavapipe, in
# mesa-vulkan-drivers) with apt when they are missing and we are root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

cache=${1:?usage: fetch-vulkan-headers.sh CACHE_DIR}
pkg=libvulkan-dev

need=()
dpkg -s libvulkan-dev >/dev/null 2>&1 || need+=(libvulkan-dev)
command -v glslc >/dev/null || need+=(glslc)
command -v glslangValidator >/dev/null || need+=(glslang-tools)
dpkg -s spirv-headers >/dev/null 2>&1 || need+=(spirv-headers)
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "fetch-vulkan-headers: installing ${need[*]} with apt" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
	else
		echo "fetch-vulkan-headers: missing ${need[*]}: install them (apt-get install ${need[*]}) and run make again" >&2
		exit 1
	fi
fi

include="$cache/usr/include"
if [ -f "$include/vulkan/vulkan.hpp" ] && grep -q 'LayerSettingEXT' "$include/vulkan/vulkan_structs.hpp" 2>/dev/null; then
	echo "$include"
	exit 0
fi

# The system's headers may already be new enough (Debian trixie and later).
if grep -qs 'LayerSettingEXT' /usr/include/vulkan/vulkan_structs.hpp; then
	echo /usr/include
	exit 0
fi

echo "fetch-vulkan-headers: fetching Vulkan headers from Debian sid's $pkg into $cache" >&2
apt_dir=$(mktemp -d)
trap 'rm -rf "$apt_dir"' EXIT
"$here/sid-download.sh" "$apt_dir/dl" "$pkg"
deb=$(ls "$apt_dir"/dl/*.deb)
mkdir -p "$apt_dir/x"
dpkg-deb -x "$deb" "$apt_dir/x"
if ! grep -q 'LayerSettingEXT' "$apt_dir/x/usr/include/vulkan/vulkan_structs.hpp"; then
	echo "fetch-vulkan-headers: $(basename "$deb") lacks vk::LayerSettingEXT" >&2
	exit 1
fi
rm -rf "$cache"
mkdir -p "$cache/usr"
cp -a "$apt_dir/x/usr/include" "$cache/usr/include"
basename "$deb" >"$cache/PACKAGE"
echo "fetch-vulkan-headers: $(basename "$deb")" >&2
echo "$include"
