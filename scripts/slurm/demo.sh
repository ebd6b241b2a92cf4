#!/usr/bin/env bash
# demo.sh renders a picture as four shards on a real one-node Slurm cluster
# (cluster.sh brings it up on localhost and down again, also on failure),
# stitches them, and checks that the result is byte for byte the picture a
# single `mandel` renders. `make test-slurm` runs it; CI runs it through
# `make test` with INSTALL_SLURM=1 (.ci/run).
#
#   scripts/slurm/demo.sh [MANDEL]      # default bin/mandel
#
# It changes nothing on the system unless asked: where the Slurm packages
# are missing it skips, unless INSTALL_SLURM=1 (root and apt-get), which
# installs them. The cluster's configuration, state and logs live in a
# temporary folder, removed at the end, failure included (the logs are
# printed first); munged is started only if none is running, and stopped
# only if it was started here. Its last line says whether it ran, and why
# not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mandel=$(realpath "${1:-bin/mandel}")

skip() {
	echo "test-slurm: skipped: $*"
	exit 0
}
if ! missing=$("$here/cluster.sh" missing); then
	if [[ ${INSTALL_SLURM:-} != 1 ]]; then
		skip "Slurm is not installed (missing: $missing); INSTALL_SLURM=1 installs Debian's packages (root and apt-get), as .ci/run does"
	fi
	"$here/cluster.sh" install
fi
if [[ $(id -u) != 0 ]]; then
	skip "the one-node cluster's daemons run as root, and this is uid $(id -u)"
fi
if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
	skip "a Slurm daemon is already running here, and the test does not touch a live cluster"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mandel-slurm-demo.XXXXXX")
export SLURM_DEMO_DIR=$work/cluster
export SLURM_CONF=$SLURM_DEMO_DIR/slurm.conf
cleanup() {
	"$here/cluster.sh" down || true
	rm -rf "$work"
}
trap cleanup EXIT
"$here/cluster.sh" up

args=(--view seahorse --size 301x203 --maxiter 500)
start=$(date +%s.%N)
if ! MANDEL=$mandel "$here/submit.sh" -n 4 -w "$work/stitched.png" "${args[@]}" >/dev/null; then
	echo "test-slurm: FAIL: the jobs did not succeed; their logs:" >&2
	tail -n 20 "$work"/*.out "$SLURM_DEMO_DIR"/log/*.log >&2 || true
	exit 1
fi
end=$(date +%s.%N)
"$mandel" "${args[@]}" "$work/single.png"
if ! cmp "$work/single.png" "$work/stitched.png"; then
	echo "test-slurm: FAIL: the stitched picture differs from a single render" >&2
	exit 1
fi
printf 'test-slurm: ok: 4 shards on Slurm, stitched, identical to a single render (%.1f s from submit to stitched)\n' \
	"$(awk "BEGIN { print $end - $start }")"
