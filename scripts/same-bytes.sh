#!/usr/bin/env bash
# same-bytes.sh REF TEST [SIZE]: renders every preset with two mandel
# binaries and fails unless each pair of images is byte-identical: with and
# without shortcuts, with the kernel auto picks and with the scalar one, at
# supersampling 1 (paletted, the colour table) and 2 (RGBA, every sample's
# colour computed); and the Benchmarks Game view also to a PBM, the bit
# path (it has no supersampling). REF and TEST are commands: a binary, or e.g.
# "qemu-aarch64-static bin/mandel-arm64" to run an arm64 build under
# emulation. The determinism contract (docs/design.md) says they agree.
set -euo pipefail
ref=$1 test=$2 size=${3:-160x120}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
views=$($ref --help 2>&1 | sed -n 's/.*--view string.*preset view: \([^(]*\) (default.*/\1/p' | tr -d ' ' | tr , ' ')
[ -n "$views" ] || { echo "same-bytes: no views in $ref --help" >&2; exit 1; }
n=0 bad=0
for view in $views; do
	outs="aa1.png aa2.png"
	[ "$view" = benchgame ] && outs="aa1.png aa1.pbm"
	for kernel in auto scalar; do
		for shortcuts in true false; do
			for out in $outs; do
				aa=${out#aa}
				aa=${aa%%.*}
				args=(--view "$view" --size "$size" --kernel "$kernel" --shortcuts="$shortcuts" --aa "$aa" -q)
				$ref "${args[@]}" "$dir/ref-$out"
				$test "${args[@]}" "$dir/test-$out"
				n=$((n + 1))
				if ! cmp -s "$dir/ref-$out" "$dir/test-$out"; then
					echo "same-bytes: differ: ${args[*]} ${out#*.}" >&2
					bad=$((bad + 1))
				fi
			done
		done
	done
done
echo "same-bytes: $((n - bad)) of $n renders identical ($size; views: $views)"
[ "$bad" -eq 0 ]
