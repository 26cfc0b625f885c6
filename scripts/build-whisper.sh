#!/usr/bin/env bash
# build-whisper.sh SRC BUILD_DIR GGML_NATIVE GGML_CUDA GGML_VULKAN [TARGETS...]
#
# Configures and builds whisper.cpp's static libraries (and any extra cmake
# targets, such as whisper-cli) with cmake. Installs cmake with apt when it is
# missing and we are root. With GGML_VULKAN=1 the Vulkan headers come from
# scripts/fetch-vulkan-headers.sh (VULKAN_HEADERS_CACHE, see docs/gpu.md).
# BUILD_JOBS sets the compile's parallelism (default: nproc).
set -euo pipefail

src=${1:?usage}; build=${2:?usage}; native=${3:-OFF}; cuda=${4:-0}; vulkan=${5:-0}
shift 5 || true
targets=(whisper "$@")

if ! command -v cmake >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "build-whisper: installing cmake with apt"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake >/dev/null
	else
		echo "build-whisper: cmake is missing: install it (apt-get install cmake) and run make again" >&2
		exit 1
	fi
fi

cuda_flag=OFF
[ "$cuda" = 1 ] && cuda_flag=ON
vulkan_args=(-DGGML_VULKAN=OFF)
if [ "$vulkan" = 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	include=$("$here/fetch-vulkan-headers.sh" "${VULKAN_HEADERS_CACHE:?GGML_VULKAN=1 needs VULKAN_HEADERS_CACHE}")
	vulkan_args=(-DGGML_VULKAN=ON "-DVulkan_INCLUDE_DIR=$include")
fi
cmake -S "$src" -B "$build" \
	-DCMAKE_BUILD_TYPE=Release \
	-DBUILD_SHARED_LIBS=OFF \
	-DGGML_NATIVE="$native" \
	-DGGML_CUDA="$cuda_flag" \
	"${vulkan_args[@]}" \
	-DWHISPER_BUILD_TESTS=OFF \
	-DWHISPER_BUILD_SERVER=OFF >/dev/null
cmake --build "$build" -j "${BUILD_JOBS:-$(nproc)}" --target "${targets[@]}"
