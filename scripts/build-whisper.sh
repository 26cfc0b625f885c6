#!/usr/bin/env bash
# build-whisper.sh SRC BUILD_DIR GGML_NATIVE GGML_CUDA [TARGETS...]
#
# Configures and builds whisper.cpp's static libraries (and any extra cmake
# targets, such as whisper-cli) with cmake. Installs cmake with apt when it is
# missing and we are root.
set -euo pipefail

src=${1:?usage}; build=${2:?usage}; native=${3:-OFF}; cuda=${4:-0}
shift 4 || true
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
cmake -S "$src" -B "$build" \
	-DCMAKE_BUILD_TYPE=Release \
	-DBUILD_SHARED_LIBS=OFF \
	-DGGML_NATIVE="$native" \
	-DGGML_CUDA="$cuda_flag" \
	-DWHISPER_BUILD_TESTS=OFF \
	-DWHISPER_BUILD_SERVER=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
