#!/bin/sh
# kernel-vs-c.sh compares mandel's kernel on one core with a kernel of the C
# yardstick (bench/yardstick, built here with gcc) on the W1 workload:
# 4096x4096 of the whole set, 1000 iterations. By default that is the
# yardstick's fused AVX-512 kernel, avx512_fma_x4u2, where /proc/cpuinfo has
# avx512f, else avx2_fma_x4u2 where it has avx2, else scalar (the fused
# ones use an FMA, which mandel may not; avx512_nofma_x4u2 and
# avx2_nofma_x4u2 do not). The two run alternately N times, so that both
# see the same machine, and the script prints each run's Giter/s, the
# medians and their ratio. It also checks both iteration totals:
# 2,133,800,640 for every exact kernel, 2,133,800,148 for a fused one.
#
# Both sides time the same thing: the C its kernel loop over the rows (the
# counts stored in an array), mandel its render steps (the counts and final
# |z|^2 stored in the frame's strips), not the colouring and encoding that
# follow. Each also reports Giter per CPU-second of the process in that
# time (the C's Giter/cpu-s, mandel -v's "cpu:" line): on a machine shared
# with other jobs wall time follows the load and CPU time far less, so the
# script prints that comparison too; say which one you quote.
#
# Usage: scripts/kernel-vs-c.sh [MANDEL [YARDSTICK [N]]]
#   MANDEL     the mandel binary (default $MANDEL or bin/mandel, built with
#              go build if missing)
#   YARDSTICK  the C yardstick (default $YARDSTICK, else built from
#              bench/yardstick into bin/yardstick with gcc)
#   N          runs of each (default $N or 5)
# KERNEL (default auto) is passed to mandel --kernel; CKERNEL names the
# yardstick's kernel (default as above; bin/yardstick --list names them).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
mandel=${1:-${MANDEL:-}}
ys=${2:-${YARDSTICK:-}}
n=${3:-${N:-5}}
kernel=${KERNEL:-auto}
if [ -z "${CKERNEL:-}" ]; then
	CKERNEL=scalar
	if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then CKERNEL=avx2_fma_x4u2; fi
	if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then CKERNEL=avx512_fma_x4u2; fi
fi
ckernel=$CKERNEL
want_total=2133800640
case $ckernel in scalar_fma | *_fma_*) want_ctotal=2133800148 ;; *) want_ctotal=$want_total ;; esac

case $n in '' | *[!0-9]* | 0) echo "kernel-vs-c: N must be a positive whole number, got $n" >&2; exit 2 ;; esac
if [ -z "$mandel" ]; then
	mandel=$root/bin/mandel
	if [ ! -x "$mandel" ]; then
		echo "kernel-vs-c: building $mandel" >&2
		(cd "$root" && go build -o bin/mandel .)
	fi
fi
if [ ! -x "$mandel" ]; then
	echo "kernel-vs-c: $mandel is not an executable; run make build, or pass the mandel binary" >&2
	exit 2
fi
if [ -z "$ys" ]; then
	if ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
		echo "kernel-vs-c: the C yardstick needs gcc (or CC) to build; or pass a built yardstick" >&2
		exit 2
	fi
	ys=$root/bin/yardstick
	mkdir -p "$root/bin"
	"$root/bench/yardstick/build.sh" "$ys"
fi
if [ ! -x "$ys" ]; then
	echo "kernel-vs-c: the C yardstick $ys is not an executable" >&2
	exit 2
fi
# Fails, with the yardstick's own message, for a kernel this CPU lacks.
"$ys" "$ckernel" small >/dev/null

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=1
while [ "$i" -le "$n" ]; do
	# mandel -v prints "render ..., X iter/s, T iterations" on stderr.
	out=$("$mandel" -v --kernel "$kernel" -s serial -w 1 --size 4096 --center=-0.75,0 --scale 3.5 \
		--maxiter 1000 --shortcuts=false --format pgm - 2>&1 >/dev/null)
	line=$(echo "$out" | grep '^render ')
	total=$(echo "$line" | sed -n 's/.* \([0-9]*\) iterations.*/\1/p')
	if [ "$total" != "$want_total" ]; then
		echo "kernel-vs-c: mandel did $total iterations on W1, want $want_total" >&2
		exit 1
	fi
	g=$(echo "$line" | sed -n 's/.*, \([0-9.e+]*\) iter\/s.*/\1/p' | awk '{ printf "%.3f", $1 / 1e9 }')
	# mandel -v prints "cpu: render Xs, N iter/cpu-s" where the OS says.
	gc=$(echo "$out" | sed -n 's/^cpu: .*, \([0-9.e+]*\) iter\/cpu-s.*/\1/p' | awk '{ printf "%.3f", $1 / 1e9 }')
	cline=$(NOHASH=1 "$ys" "$ckernel" W1)
	ctotal=$(echo "$cline" | sed -n 's/.* total=\([0-9]*\) .*/\1/p')
	if [ "$ctotal" != "$want_ctotal" ]; then
		echo "kernel-vs-c: the yardstick's $ckernel did $ctotal iterations on W1, want $want_ctotal" >&2
		exit 1
	fi
	c=$(echo "$cline" | sed -n 's/.*Giter\/s=\([0-9.]*\).*/\1/p')
	cc=$(echo "$cline" | sed -n 's/.*Giter\/cpu-s=\([0-9.]*\).*/\1/p')
	printf 'run %d: mandel %s Giter/s (%s per CPU-s), C %s Giter/s (%s per CPU-s)\n' "$i" "$g" "${gc:-?}" "$c" "$cc"
	echo "$g" >>"$tmp/mandel"
	echo "$c" >>"$tmp/c"
	echo "${gc:-0}" >>"$tmp/mandelcpu"
	echo "$cc" >>"$tmp/ccpu"
	i=$((i + 1))
done
gm=$(median <"$tmp/mandel")
cm=$(median <"$tmp/c")
printf 'median: mandel (--kernel %s) %s Giter/s, C %s %s Giter/s, ratio mandel/C %s\n' \
	"$kernel" "$gm" "$ckernel" "$cm" "$(awk -v a="$gm" -v b="$cm" 'BEGIN { printf "%.3f", a / b }')"
gcm=$(median <"$tmp/mandelcpu")
ccm=$(median <"$tmp/ccpu")
printf 'median per CPU-second: mandel %s Giter/cpu-s, C %s Giter/cpu-s, ratio mandel/C %s\n' \
	"$gcm" "$ccm" "$(awk -v a="$gcm" -v b="$ccm" 'BEGIN { if (a > 0 && b > 0) printf "%.3f", a / b; else print "?" }')"
printf 'load average before: %s\n' "$load"
