#!/bin/sh
# build.sh OUT builds the C yardstick into the file OUT with gcc (CC to
# override): scripts/kernel-vs-c.sh and the Go test that checks its totals
# against mandel's both build it here, so there is one build line.
#
# -ffp-contract=off keeps gcc from fusing a multiply and an add that the
# source keeps apart: the exact kernels' totals depend on it. -march=native
# tunes the scalar kernels for this CPU (the vector kernels name their
# instruction sets by target attributes, and the program runs only those
# the CPU has); MARCH= builds a binary for any x86-64. Without OpenMP
# (no libgomp) it builds anyway, for one thread.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: bench/yardstick/build.sh OUT" >&2
	exit 2
fi
out=$1
dir=$(dirname "$0")
cc=${CC:-gcc}
march=${MARCH--march=native}
set -- "$dir/yardstick.c" "$dir/scalar.c" "$dir/avx2.c" "$dir/avx512.c"
# shellcheck disable=SC2086 # MARCH is zero or more flags
if ! "$cc" -O3 $march -fopenmp -ffp-contract=off -Wall -o "$out" "$@" -lm 2>/dev/null; then
	"$cc" -O3 $march -ffp-contract=off -Wall -Wno-unknown-pragmas -o "$out" "$@" -lm
	echo "build.sh: built without OpenMP ($cc -fopenmp failed): one thread only" >&2
fi
