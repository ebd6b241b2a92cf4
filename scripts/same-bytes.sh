#!/usr/bin/env bash
# same-bytes.sh REF TEST [SIZE]: renders every preset with two mandel
# binaries and fails unless each pair of images is byte-identical: with and
# without shortcuts, with the kernel auto picks and with the scalar one, at
# supersampling 1 (paletted, the colour table) and 2 (RGBA, every sample's
# colour computed); and the Benchmarks Game view also to a PBM, the bit
# path (it has no supersampling); then colours of a gradient with
# positions, density and offset, and npy-smooth's escape times. REF and
# TEST are commands: a binary, or e.g. "qemu-aarch64-static
# bin/mandel-arm64" to run an arm64 build under emulation. The determinism
# contract (docs/design.md) says they agree.
set -euo pipefail
ref=$1 test=$2 size=${3:-160x120}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
views=$($ref --help 2>&1 | sed -n '/^Views:/,/^$/s/^  \([a-z][a-z0-9]*\)  .*/\1/p' | tr '\n' ' ')
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
# Float arithmetic outside the kernels: a gradient with positions, with
# density and offset, at aa 1 and 2, and npy-smooth's escape times.
grad='gradient:0=#000764,0.16=#206bcb,0.42=#edffff,0.6425=#ffaa00,0.8575=#000200;density=1.7;offset=0.3'
for extra in "--aa 1 -p $grad x.png" "--aa 2 -p $grad x.png" "-f npy-smooth x.npy" "--aa 1 -p ocean;offset=-2.5 x.png"; do
	read -r -a args <<<"--view seahorse --size $size -q $extra"
	out=${args[-1]}
	unset 'args[-1]'
	$ref "${args[@]}" "$dir/ref-$out"
	$test "${args[@]}" "$dir/test-$out"
	n=$((n + 1))
	if ! cmp -s "$dir/ref-$out" "$dir/test-$out"; then
		echo "same-bytes: differ: ${args[*]} ${out#*.}" >&2
		bad=$((bad + 1))
	fi
done
echo "same-bytes: $((n - bad)) of $n renders identical ($size; views: $views)"
[ "$bad" -eq 0 ]
