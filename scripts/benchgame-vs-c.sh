#!/bin/sh
# benchgame-vs-c.sh compares mandel with a C or C++ program of the Computer
# Language Benchmarks Game's mandelbrot task on this machine: it builds the
# program, checks that both write the same bytes for N, then runs the two
# alternately RUNS times each and prints each run's wall time, CPU time
# (user+sys) and peak RSS (/usr/bin/time), the medians and the ratios.
#
# It fetches nothing: pass the program's source. The fastest published
# program when this was written is Markus Flad's C++ mandelbrot17,
# src/mandelbrot17.cpp of https://github.com/MarkusFlad/mandelbrot17 (the
# Benchmarks Game's "C++ g++ #...", same source); the Benchmarks Game's own
# programs are at https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mandelbrot, "source code" under each).
#
# Usage: scripts/benchgame-vs-c.sh SOURCE [MANDEL [N [RUNS]]]
#   SOURCE  the program, .cpp (built with $CXX, default g++) or .c ($CC, gcc)
#   MANDEL  the mandel binary (default $MANDEL or bin/mandel; make build)
#   N       the image's side (default $N or 16000)
#   RUNS    runs of each (default $RUNS or 5)
# FLAGS replaces the build flags: by default the Benchmarks Game's,
# -O3 -march=native -mno-fma (C++: --std=c++17; C: -fopenmp), -pthread, and
# on a CPU with AVX-512 also -mno-avx512f: mandelbrot17's 512-bit path
# stops a byte's 8 pixels when any one of them escapes, not all, and writes
# other bytes (the check below would refuse it); the Benchmarks Game's
# machine has no AVX-512, so its figures are the 256-bit path's too.
# mandel runs as `mandel --view benchgame --size N --format pbm -`, with its
# default workers (every CPU this process may use).
set -eu

src=${1:-}
mandel=${2:-${MANDEL:-bin/mandel}}
n=${3:-${N:-16000}}
runs=${4:-${RUNS:-5}}

if [ -z "$src" ] || [ ! -f "$src" ]; then
	echo "usage: scripts/benchgame-vs-c.sh SOURCE.cpp|SOURCE.c [MANDEL [N [RUNS]]] (see the comment at the top)" >&2
	exit 2
fi
if [ ! -x "$mandel" ]; then
	echo "benchgame-vs-c: $mandel is not an executable; run make build, or pass the mandel binary" >&2
	exit 2
fi
case $n in '' | *[!0-9]* | 0) echo "benchgame-vs-c: N must be a positive whole number, got $n" >&2; exit 2 ;; esac
case $runs in '' | *[!0-9]* | 0) echo "benchgame-vs-c: RUNS must be a positive whole number, got $runs" >&2; exit 2 ;; esac
if [ ! -x /usr/bin/time ]; then
	echo "benchgame-vs-c: /usr/bin/time is missing (Debian: apt-get install time)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
noavx512=
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then noavx512=-mno-avx512f; fi
case $src in
*.c)
	flags=${FLAGS:-"-O3 -march=native -mno-fma $noavx512 -fopenmp -pthread"}
	# shellcheck disable=SC2086 # flags are words
	${CC:-gcc} $flags -o "$tmp/c" "$src" -lm
	;;
*)
	flags=${FLAGS:-"--std=c++17 -O3 -march=native -mno-fma $noavx512 -pthread"}
	# shellcheck disable=SC2086
	${CXX:-g++} $flags -o "$tmp/c" "$src" -lpthread
	;;
esac
echo "built $src with: $flags"

"$tmp/c" "$n" >"$tmp/c.pbm"
"$mandel" --view benchgame --size "$n" --format pbm - >"$tmp/m.pbm"
if ! cmp -s "$tmp/c.pbm" "$tmp/m.pbm"; then
	echo "benchgame-vs-c: the program and mandel write different bytes for N=$n ($(md5sum <"$tmp/c.pbm" | cut -c1-32) vs $(md5sum <"$tmp/m.pbm" | cut -c1-32))" >&2
	exit 1
fi
echo "same bytes for N=$n: $(md5sum <"$tmp/m.pbm" | cut -c1-32)"
rm -f "$tmp/c.pbm" "$tmp/m.pbm"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# one NAME CMD...: runs CMD with its output discarded and records wall,
# user+sys and peak RSS (kB) under NAME.
one() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null
	read -r wall user sys rss <"$tmp/t"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	echo "$wall" >>"$tmp/$name.wall"
	echo "$cpu" >>"$tmp/$name.cpu"
	echo "$rss" >>"$tmp/$name.rss"
	printf '%s %ss (cpu %ss, %s MB)' "$name" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
}
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
i=1
while [ "$i" -le "$runs" ]; do
	printf 'run %d: ' "$i"
	one mandel "$mandel" --view benchgame --size "$n" --format pbm -
	printf ', '
	one c "$tmp/c" "$n"
	echo
	i=$((i + 1))
done
for s in wall cpu rss; do
	eval "m_$s=\$(median <\"\$tmp/mandel.$s\")"
	eval "c_$s=\$(median <\"\$tmp/c.$s\")"
done
# shellcheck disable=SC2154 # set by the eval above
printf 'median: mandel %ss (cpu %ss, %.1f MB), C %ss (cpu %ss, %.1f MB); mandel/C wall %s, cpu %s\n' \
	"$m_wall" "$m_cpu" "$(awk -v k="$m_rss" 'BEGIN { print k / 1024 }')" \
	"$c_wall" "$c_cpu" "$(awk -v k="$c_rss" 'BEGIN { print k / 1024 }')" \
	"$(awk -v a="$m_wall" -v b="$c_wall" 'BEGIN { printf "%.3f", a / b }')" \
	"$(awk -v a="$m_cpu" -v b="$c_cpu" 'BEGIN { printf "%.3f", a / b }')"
printf '%s CPUs, load average before: %s\n' "$(nproc 2>/dev/null || echo ?)" "$load"
