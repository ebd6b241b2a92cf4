#!/usr/bin/env bash
# submit.sh renders a picture on a Slurm cluster: an array job of SHARDS
# tasks, each rendering one shard, and a stitch job that runs once they
# have all succeeded.
#
#   scripts/slurm/submit.sh [-n SHARDS] [-c CPUS] [-w] OUTPUT.png [mandel flags...]
#
# -w waits for the stitch job to end (sbatch --wait). bin/mandel and the
# output's directory must be on a file system the nodes share.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=4 cpus=1 wait=()
while getopts n:c:w opt; do
	case $opt in
	n) shards=$OPTARG ;;
	c) cpus=$OPTARG ;;
	w) wait=(--wait) ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
# Checked before anything is submitted: -n 0 made --array=0--1, and a
# word failed inside bash's arithmetic with bash's message.
if [[ ! $shards =~ ^[1-9][0-9]*$ ]]; then
	echo "submit.sh: -n wants the number of shards, a whole number of at least 1, got '$shards'" >&2
	exit 2
fi
if [[ ! $cpus =~ ^[1-9][0-9]*$ ]]; then
	echo "submit.sh: -c wants the CPUs of each task, a whole number of at least 1, got '$cpus'" >&2
	exit 2
fi
if (($# < 1)); then
	echo "usage: submit.sh [-n SHARDS] [-c CPUS] [-w] OUTPUT.png [mandel flags...]" >&2
	exit 2
fi
# stitch writes a PNG, and would refuse another name only after the
# whole array had run.
if [[ $1 != *.png ]]; then
	echo "submit.sh: OUTPUT must name a .png, which mandel stitch writes, got '$1'" >&2
	exit 2
fi
output=$(realpath -m "$1")
shift
export MANDEL=${MANDEL:-$(realpath "$here/../../bin/mandel")}
export OUTDIR=${OUTDIR:-$output.shards}
export OUTPUT=$output
# The stitch job stitches exactly shards 0..SHARDS-1: a folder reused from
# a run with more shards keeps stale ones, which a glob would pick up.
export SHARDS=$shards
array=$(sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task="$cpus" \
	--export=ALL --chdir="$(dirname "$output")" "$here/render.sbatch" "$@")
echo "submit.sh: array job $array renders $shards shards into $OUTDIR" >&2
sbatch --parsable "${wait[@]}" --dependency=afterok:"${array%%;*}" --kill-on-invalid-dep=yes \
	--export=ALL --chdir="$(dirname "$output")" "$here/stitch.sbatch"
