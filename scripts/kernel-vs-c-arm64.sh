#!/bin/sh
# kernel-vs-c-arm64.sh measures the NEON kernel on a real arm64 machine, on
# one core, on the W1 workload (4096x4096 of the whole set, 1000
# iterations), against mandel's scalar kernel and a C yardstick built on
# that machine. Its speed cannot be measured under emulation: qemu runs
# about 12 times slower than native, and not in proportion to the
# hardware's. The runs alternate N times, so that all see the same
# machine; it prints each run's Giter/s, the medians and the ratios, and
# checks mandel's iteration total, 2,133,800,640 for every exact kernel.
#
# Usage: scripts/kernel-vs-c-arm64.sh [MANDEL [MB [N]]]
#   MANDEL   the mandel binary (default $MANDEL or bin/mandel; make build)
#   MB       the yardstick, a program that prints Giter/s=X for
#            "MB CKERNEL W1" (default $MB; none: mandel only). The C
#            yardstick, bench/yardstick, builds on x86 only (avx2.c and
#            avx512.c); on arm64 build yardstick.c and scalar.c with
#            -O3 -march=native -ffp-contract=off, the AVX tables taken out
#            of yardstick.c's tables[], or a NEON kernel of your own,
#            without FMA to compare like with like.
#   N        runs of each (default $N or 5)
# CKERNEL (default scalar) is the yardstick's kernel.
set -eu

mandel=${1:-${MANDEL:-bin/mandel}}
mb=${2:-${MB:-}}
n=${3:-${N:-5}}
ckernel=${CKERNEL:-scalar}
want_total=2133800640

if [ "$(uname -m)" != aarch64 ] && [ "$(uname -m)" != arm64 ]; then
	echo "kernel-vs-c-arm64: this is $(uname -m), not arm64: speed under emulation means nothing" >&2
	exit 2
fi
if [ ! -x "$mandel" ]; then
	echo "kernel-vs-c-arm64: $mandel is not an executable; run make build, or pass the mandel binary" >&2
	exit 2
fi
if [ -n "$mb" ] && [ ! -x "$mb" ]; then
	echo "kernel-vs-c-arm64: the yardstick $mb is not an executable" >&2
	exit 2
fi
case $n in '' | *[!0-9]* | 0) echo "kernel-vs-c-arm64: N must be a positive whole number, got $n" >&2; exit 2 ;; esac

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run KERNEL prints mandel's Giter/s on W1 with that kernel, on one core.
run() {
	line=$("$mandel" -v --kernel "$1" -s serial -w 1 --size 4096 --center=-0.75,0 --scale 3.5 \
		--maxiter 1000 --shortcuts=false --format pgm - 2>&1 >/dev/null | grep '^render ')
	total=$(echo "$line" | sed -n 's/.* \([0-9]*\) iterations.*/\1/p')
	if [ "$total" != "$want_total" ]; then
		echo "kernel-vs-c-arm64: mandel --kernel $1 did $total iterations on W1, want $want_total" >&2
		exit 1
	fi
	echo "$line" | sed -n 's/.*, \([0-9.e+]*\) iter\/s.*/\1/p' | awk '{ printf "%.3f", $1 / 1e9 }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=1
while [ "$i" -le "$n" ]; do
	neon=$(run neon)
	scalar=$(run scalar)
	echo "$neon" >>"$tmp/neon"
	echo "$scalar" >>"$tmp/scalar"
	c=-
	if [ -n "$mb" ]; then
		c=$("$mb" "$ckernel" W1 | sed -n 's/.*Giter\/s=\([0-9.]*\).*/\1/p')
		echo "$c" >>"$tmp/c"
	fi
	printf 'run %d: neon %s, scalar %s, C %s %s Giter/s\n' "$i" "$neon" "$scalar" "$ckernel" "$c"
	i=$((i + 1))
done
nm=$(median <"$tmp/neon")
sm=$(median <"$tmp/scalar")
printf 'median: neon %s Giter/s, scalar %s Giter/s, neon/scalar %s\n' "$nm" "$sm" \
	"$(awk -v a="$nm" -v b="$sm" 'BEGIN { printf "%.3f", a / b }')"
if [ -n "$mb" ]; then
	cm=$(median <"$tmp/c")
	printf 'median: C %s %s Giter/s, neon/C %s\n' "$ckernel" "$cm" "$(awk -v a="$nm" -v b="$cm" 'BEGIN { printf "%.3f", a / b }')"
fi
