#!/usr/bin/env bash
# test-arm64.sh checks arm64 here, without arm64 hardware, under Debian's
# qemu-user-static: the render tests of an arm64 build (-short, NEON
# kernel required), then scripts/same-bytes.sh between the amd64 binary
# and an arm64 one under emulation, for every preset (kernel auto, which is
# NEON there, and scalar, the portable Go fallback; with and without
# shortcuts). Emulation is about 12 times slower than native, so the tests
# run -short and the images are small.
#
# Usage: scripts/test-arm64.sh [MANDEL]   (MANDEL: the native binary,
# default bin/mandel). Without qemu-aarch64-static it says so and skips,
# unless INSTALL_QEMU=1, which installs it (root and apt-get needed):
# make test must not change the system unless asked; .ci/run asks.
set -euo pipefail
cd "$(dirname "$0")/.."
mandel=${1:-bin/mandel}
qemu=${QEMU_ARM64:-qemu-aarch64-static}
go=${GO:-go}

if [ "$($go env GOHOSTARCH)" = arm64 ]; then
	qemu="" # native arm64: run the binaries directly
elif ! command -v "$qemu" >/dev/null; then
	if [ "${INSTALL_QEMU:-}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && apt-get install -y -qq qemu-user-static >/dev/null
	else
		echo "test-arm64: skipped: $qemu is missing (apt-get install qemu-user-static, or run with INSTALL_QEMU=1 as root)"
		exit 0
	fi
fi

# The kernels this arm64 build must run: MANDEL_TEST_KERNELS is per
# architecture (the Makefile's, from this CPU, names amd64's).
echo "test-arm64: GOARCH=arm64 go test -short ./render/ under ${qemu:-no emulator}"
MANDEL_TEST_KERNELS=neon GOARCH=arm64 $go test -short -count=1 ${qemu:+-exec "$qemu"} ./render/

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
GOARCH=arm64 $go build -o "$dir/mandel-arm64" .
scripts/same-bytes.sh "$mandel" "${qemu:+$qemu }$dir/mandel-arm64" "${SIZE:-160x120}"
echo "test-arm64: ok: the arm64 build's render tests pass under ${qemu:-no emulator}, and it renders every preset to the native bytes"
