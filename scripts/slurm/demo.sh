#!/usr/bin/env bash
# demo.sh renders a picture as four shards on a real one-node Slurm cluster
# (cluster.sh brings it up on localhost and down again, also on failure),
# stitches them, and checks that the result is byte for byte the picture a
# single `mandel` renders. `make test-slurm` runs it; CI runs it through
# `make test`. Where the Slurm packages cannot be installed (no root, no
# apt-get) it says so and exits 0 without testing.
#
#   scripts/slurm/demo.sh [MANDEL]      # default bin/mandel
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mandel=$(realpath "${1:-bin/mandel}")
rc=0
"$here/cluster.sh" install || rc=$?
if ((rc == 3)); then
	echo "demo.sh: skipped: the Slurm packages are not installed and cannot be installed here" >&2
	exit 0
elif ((rc != 0)); then
	exit "$rc"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mandel-slurm-demo.XXXXXX")
trap '"$here/cluster.sh" down || true' EXIT
"$here/cluster.sh" up

args=(--view seahorse --size 301x203 --maxiter 500)
start=$(date +%s.%N)
if ! MANDEL=$mandel "$here/submit.sh" -n 4 -w "$work/stitched.png" "${args[@]}" >/dev/null; then
	echo "demo.sh: FAIL: the jobs did not succeed; their logs:" >&2
	tail -n 20 "$work"/*.log >&2 || true
	exit 1
fi
end=$(date +%s.%N)
"$mandel" "${args[@]}" "$work/single.png"
if ! cmp "$work/single.png" "$work/stitched.png"; then
	echo "demo.sh: FAIL: the stitched picture differs from a single render (kept in $work)" >&2
	exit 1
fi
printf 'demo.sh: ok: 4 shards on Slurm, stitched, identical to a single render (%.1f s from submit to stitched)\n' \
	"$(echo "$end - $start" | bc)" >&2
rm -rf "$work"
