#!/usr/bin/env bash
# test-arm64.sh checks arm64 here, without arm64 hardware, under Debian's
# qemu-user-static: the render tests of an arm64 build (-short, NEON
# kernel required), and beside them scripts/same-bytes.sh between the amd64 binary
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

dir=$(mktemp -d)
same=""
trap '[ -z "$same" ] || kill "$same" 2>/dev/null; rm -rf "$dir"' EXIT
GOARCH=arm64 $go build -o "$dir/mandel-arm64" .
# The render tests run one at a time, and under emulation keep about one
# core busy for two minutes: the byte comparison runs beside them, its
# output kept until they end, so that the two use both cores of a 2-core
# machine (3 minutes one after the other, 2 side by side).
scripts/same-bytes.sh "$mandel" "${qemu:+$qemu }$dir/mandel-arm64" "${SIZE:-160x120}" >"$dir/same-bytes.out" 2>&1 &
same=$!

# The kernels this arm64 build must run: MANDEL_TEST_KERNELS is per
# architecture (the Makefile's, from this CPU, names amd64's).
echo "test-arm64: GOARCH=arm64 go test -short ./render/ under ${qemu:-no emulator}"
tests=0
MANDEL_TEST_KERNELS=neon GOARCH=arm64 $go test -short -count=1 ${qemu:+-exec "$qemu"} ./render/ || tests=$?
bytes=0
wait "$same" || bytes=$?
same=""
cat "$dir/same-bytes.out"
failed=""
[ "$tests" -eq 0 ] || failed="the render tests"
[ "$bytes" -eq 0 ] || failed="${failed:+$failed and }the byte comparison"
if [ -n "$failed" ]; then
	echo "test-arm64: FAIL: $failed"
	exit 1
fi
echo "test-arm64: ok: the arm64 build's render tests pass under ${qemu:-no emulator}, and it renders every preset to the native bytes"
