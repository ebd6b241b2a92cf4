#!/bin/sh
# bench-many-core.sh runs the full benchmark sweep on a many-core machine and
# packs the results into one file to bring back.
#
# Usage: scripts/bench-many-core.sh OUTDIR [mandel bench flags...]
#
# On a machine with Go it builds a static binary (CGO_ENABLED=0) into
# bin/mandel first. On a machine without Go, build it elsewhere and copy the
# repository (or just bin/mandel and scripts/) over:
#
#     CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o bin/mandel .
#
# It writes OUTDIR/<date>-<host>/ (the results, plus machine.txt from
# scripts/env.sh) and OUTDIR/<date>-<host>.tar.gz. Extra arguments go to
# `mandel bench`. The sweep sizes every scene by --target-time, as any
# sweep does: one serial render takes 0.3 s, or 10 ms per worker at the
# largest worker count where that is more, so that a run on dozens of
# cores still takes 10 ms and start-up costs do not dominate
# (SIZE_FACTOR=N fixes the sizes at N times the scenes' own instead, which
# on many cores makes runs far shorter). It runs the cost model to 256 workers
# (SIMULATE=1,2,4,...,256; SIMULATE= turns it off), whose
# model-validation.csv then checks the model at every worker count the
# machine has. Close other programs first: the sweep
# warns (env.json, summary.md) when the cores are not all available.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 OUTDIR [mandel bench flags...]" >&2
	exit 2
fi
outdir=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/mandel
commit=""

if command -v go >/dev/null 2>&1 && [ -f "$root/go.mod" ]; then
	echo "building $bin (static)" >&2
	vcs=-buildvcs=auto
	if command -v git >/dev/null 2>&1 && [ -d "$root/.git" ]; then
		vcs=-buildvcs=true
	fi
	(cd "$root" && CGO_ENABLED=0 go build -trimpath "$vcs" -o "$bin" .)
elif [ ! -x "$bin" ]; then
	echo "$0: no Go to build with and no $bin; build it elsewhere (see the comment at the top)" >&2
	exit 1
fi
# Record the source revision explicitly: a binary built elsewhere, or with
# -buildvcs=false, does not carry it. GIT_OPTIONAL_LOCKS=0 keeps git status
# from touching the index.
if command -v git >/dev/null 2>&1 && [ -d "$root/.git" ]; then
	commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || true)
	if [ -n "$commit" ] && [ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		commit=$commit-dirty
	fi
fi

host=$(hostname 2>/dev/null || uname -n)
name=$(date '+%Y-%m-%d-%H%M%S')-$host
mkdir -p "$outdir"
results=$outdir/$name

set -- --out "$results" "$@"
if [ -n "${SIZE_FACTOR:-}" ]; then
	set -- --size-factor "$SIZE_FACTOR" "$@"
fi
simulate=${SIMULATE-1,2,4,8,16,32,64,128,256}
if [ -n "$simulate" ]; then
	set -- --simulate "$simulate" "$@"
fi
if [ -n "$commit" ]; then
	set -- --commit "$commit" "$@"
fi
echo "mandel bench $*" >&2
status=0
"$bin" bench "$@" || status=$?

# Keep whatever was written, complete or partial (130: interrupted).
if [ -d "$results" ]; then
	"$root/scripts/env.sh" >"$results/machine.txt" 2>&1 || true
	tar -czf "$outdir/$name.tar.gz" -C "$outdir" "$name"
	echo "results: $results ($outdir/$name.tar.gz)" >&2
fi
exit $status
