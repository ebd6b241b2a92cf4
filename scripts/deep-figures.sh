#!/bin/sh
# deep-figures.sh [MANDEL]: issue 17's deep-zoom figures, as docs/deep-zoom.md
# quotes them: whole-process renders (wall and CPU time), the iteration
# cost against the direct kernels, and the brute-force comparison. Run it
# on an idle machine for wall times; on a shared one, read the CPU times.
set -e
bin=${1:-bin/mandel}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A period-66 minibrot 7e-25 from c = i, size about 1.6e-49 (Newton's
# method in 600 bits).
mini=-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511,0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914
uptime
for s in 1e-100 1e-1000; do for i in 1 2 3; do
	/usr/bin/time -f "c=i $s: wall %e s, user %U s" "$bin" -v --center 0,1 --scale $s --size 1920x1080 --maxiter 10000 -q "$out/i.png" 2>&1 | grep -E '^time:|wall|BLA'
done; done
# A period-248 nucleus of about the same size (render/deep's mini248re,
# mini248im), in the period-4 minibrot's copy of c = i: the same figure
# at a period more usual at that depth. The pixel stage is "cpu: render"
# (the reference orbit and BLA table are "reference", before it);
# with BLA, without it (on SIMD lanes where the CPU has them, the
# faster no-BLA baseline) and without it in the scalar loop, interleaved.
mini248=$(sed -n 's/^const mini248re, mini248im = "\(.*\)",$/\1/p' render/deep/bla_bench_test.go),$(sed -n '/^const mini248re/{n;s/^\t"\(.*\)"$/\1/p}' render/deep/bla_bench_test.go)
for bla in "" --no-bla "--no-bla --kernel=scalar" ""; do
	for c in "$mini" "$mini248"; do
		/usr/bin/time -f "minibrot ${c%%,*} $bla: wall %e s, user %U s" "$bin" -v $bla --center "$c" --scale 5e-49 --size 640x360 --maxiter 1000000 -q "$out/m.png" 2>&1 | grep -E '^time:|^cpu:|wall|BLA|periodicity'
	done
done
# The period-530 nucleus of render/deep's tests (mini530re, mini530im).
mini530=$(sed -n 's/^const mini530re, mini530im = "\(.*\)",$/\1/p' render/deep/deep_test.go),$(sed -n '/^const mini530re/{n;s/^\t"\(.*\)"$/\1/p}' render/deep/deep_test.go)
for bla in "" --no-bla; do
	/usr/bin/time -f "minibrot 530 $bla: wall %e s, user %U s" "$bin" -v $bla --center "$mini530" --scale 5e-398 --size 320x180 --maxiter 100000 -q "$out/m.png" 2>&1 | grep -E '^time:|^cpu:|wall|BLA|periodicity'
done
go test ./render -run '^$' -bench BenchmarkIteration -benchtime 3x -count 5 | grep Benchmark
MANDEL_DEEP_FIGURES=1 go test ./render/deep -run TestFigureBruteForce -v | grep figures_test
uptime
